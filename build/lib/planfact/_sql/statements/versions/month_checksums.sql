-- the stored month checksums of a version. grain: one row per month.
select m.month, m.row_count, m.sales_total, m.checksum
from core.data_version_month as m
where m.version_id = %(version_id)s
order by m.month
