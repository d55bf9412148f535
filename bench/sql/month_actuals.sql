-- bench only: the month's current actuals of every series.
-- grain: one row per series_id and sale_date.
select a.series_id, a.sale_date, a.sales::double precision as sales, a.is_open
from core.actuals_current as a
where a.sale_date >= %(month)s
  and a.sale_date < (%(month)s::date + interval '1 month')
order by a.series_id, a.sale_date
