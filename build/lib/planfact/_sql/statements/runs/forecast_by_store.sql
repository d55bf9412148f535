-- a run's point forecasts keyed by store and product group (benchmarks compare them with files)
-- grain: one row per series and day
select
    s.store_id,
    s.group_id,
    f.forecast_date,
    f.yhat
from forecast.forecast_value as f
join core.series as s on s.series_id = f.series_id
where f.run_id = %(run_id)s
