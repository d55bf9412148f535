-- month checksums of a new version: the computed rows for the months the load touched, and
-- the previous version's rows for every other month (their content did not change).
-- grain: one row per month present as of the version.
insert into core.data_version_month (version_id, month, row_count, sales_total, checksum)
select %(version_id)s, c.month, c.row_count, c.sales_total, c.checksum
from unnest(%(months)s::date[], %(row_counts)s::bigint[], %(totals)s::numeric[], %(checksums)s::text[])
    as c (month, row_count, sales_total, checksum)
union all
select %(version_id)s, p.month, p.row_count, p.sales_total, p.checksum
from core.data_version_month as p
where p.version_id = %(previous_id)s
  and not (p.month = any (%(months)s::date[]))
