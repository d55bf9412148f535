-- 0006 (after its DDL): the files of the versions loaded so far, grants.
insert into core.data_version_file (
    version_id, file_no, source_name, source_sha256, layout, period_start, period_end,
    rows_in_file, rows_rejected
)
select
    v.version_id, 1, v.source_name, v.source_sha256, v.layout, v.period_start, v.period_end,
    v.rows_in_file, v.rows_rejected
from core.data_version as v;

grant select, insert, update on core.data_version_file to planfact_etl;
grant execute on all functions in schema core to planfact_etl
