-- the month checksums of the months a load touched, as of the new version. A plain select
-- (not insert ... select) so PostgreSQL may scan core.actuals with parallel workers.
select c.month, c.row_count, c.sales_total, c.checksum
from core.actuals_month_checksums(%(version_id)s, %(months)s::date[]) as c
