-- the stored forecasts of a run, for reproduce to compare
-- grain: one row per series and day
select
    series_id,
    forecast_date,
    model_version_id,
    yhat,
    lo_80,
    hi_80,
    lo_95,
    hi_95
from forecast.forecast_value
where run_id = %(run_id)s
order by series_id, forecast_date
