-- privileges on the mart: readers and the ETL role select every mart view; the export
-- function is security definer, so only the planfact roles (not public) may execute it.
-- (0003's default privileges cover objects its migration user creates; these explicit grants
-- also hold when another user runs the migration.)
grant select on all tables in schema mart to planfact_reader, planfact_etl;
revoke execute on function mart.export_training(integer, date, integer[]) from public;
grant execute on function mart.export_training(integer, date, integer[]) to planfact_reader, planfact_etl;
