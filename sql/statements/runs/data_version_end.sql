-- a data version and the first and last day with actuals as of it (planned future flags do not count)
-- grain: one row, or none when the version does not exist
select
    dv.version_id,
    (
        select max(a.sale_date)
        from core.actuals as a
        where a.valid_from_version <= dv.version_id
    ) as data_end,
    (
        select min(a.sale_date)
        from core.actuals as a
        where a.valid_from_version <= dv.version_id
    ) as data_start
from core.data_version as dv
where dv.version_id = %(data_version)s
