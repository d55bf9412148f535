-- removes this database's grants and default privileges of both roles; then drops the
-- roles unless another database on the server still uses them.
drop owned by planfact_reader, planfact_etl;
do $$
begin
    drop role if exists planfact_reader;
    drop role if exists planfact_etl;
exception when dependent_objects_still_exist then
    raise notice 'planfact roles kept: another database still grants them privileges';
end
$$;
