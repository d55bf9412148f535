-- plan of record vs actual of one month, the series-days that have an actual (bench/messy.py)
-- grain: one row per series and day
select series_id, day, plan::float8 as plan, actual::float8 as actual
from mart.plan_fact_series_day
where target_month = %(month)s
  and actual is not null
