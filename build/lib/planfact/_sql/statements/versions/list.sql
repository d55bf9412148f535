-- the versions table, newest last. grain: one row per data version.
select
    v.version_id as version,
    v.loaded_at,
    v.layout,
    v.source_name,
    v.period_start,
    v.period_end,
    v.rows_in_file,
    v.rows_inserted,
    v.rows_restated,
    v.rows_unchanged,
    v.rows_rejected,
    (select count(*) from core.data_version_month as m where m.version_id = v.version_id) as months,
    v.loaded_by,
    left(v.source_sha256, 12) as sha256
from core.data_version as v
order by v.version_id
