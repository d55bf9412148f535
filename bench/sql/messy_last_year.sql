-- the actuals 364 days (52 weeks: same weekday) before each day of a month, keyed by that day
-- grain: one row per series and day of the month
select a.series_id, (a.sale_date + 364) as day, a.sales::float8 as last_year
from core.actuals_current as a
where a.sale_date between %(first)s::date - 364 and %(last)s::date - 364
