-- bench only: bulk-load the synthetic plan's daily forecasts.
copy forecast.forecast_value (run_id, series_id, forecast_date, model_version_id, yhat, lo_80, hi_80, lo_95, hi_95)
from stdin
