-- daily forecasts of one shard, streamed in binary (grain: run, series, day)
copy forecast.forecast_value (
    run_id, series_id, forecast_date, model_version_id, yhat, lo_80, hi_80, lo_95, hi_95
)
from stdin with (format binary)
