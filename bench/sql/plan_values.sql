-- bench/mart.py only: the synthetic plan of a month, one row per series and day: the sales of
-- the same weekday a year earlier (364 days), else 4 weeks earlier (stores with a gap last year),
-- with +-15 %% / +-30 %% bounds; as of the run's data version.
insert into forecast.forecast_value (
    run_id, series_id, forecast_date, model_version_id, yhat, lo_80, hi_80, lo_95, hi_95
)
select
    %(run_id)s,
    s.series_id,
    d.day::date,
    'bench-same-weekday-last-year',
    x.sales,
    x.sales * 0.85,
    x.sales * 1.15,
    x.sales * 0.7,
    x.sales * 1.3
from core.series as s
cross join generate_series(%(month)s::date, (%(month)s::date + interval '1 month' - interval '1 day'), interval '1 day')
    as d (day)
cross join lateral (
    select coalesce(
        (select a.sales from core.actuals_as_of(%(data_version)s) as a
         where a.series_id = s.series_id and a.sale_date = d.day::date - 364),
        (select a.sales from core.actuals_as_of(%(data_version)s) as a
         where a.series_id = s.series_id and a.sale_date = d.day::date - 28),
        0
    )::double precision as sales
) as x
