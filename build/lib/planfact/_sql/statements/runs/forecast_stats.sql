-- size of a run's forecast: series, rows, total of the point forecasts
select
    count(distinct series_id) as series,
    count(*) as forecast_rows,
    coalesce(sum(yhat), 0) as yhat_total
from forecast.forecast_value
where run_id = %(run_id)s
