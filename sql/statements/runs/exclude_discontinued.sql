-- record the series a new run leaves out as discontinued: every series with actuals up to the
-- cutoff (as of the run's data version) but none in the %(days)s days up to it; days = 0: none.
-- grain: one row per excluded series (inserted into forecast.run_excluded_series)
insert into forecast.run_excluded_series (run_id, series_id, reason, last_actual_date)
select
    %(run_id)s,
    a.series_id,
    'discontinued',
    max(a.sale_date)
from core.actuals_as_of(%(data_version)s) as a
where a.sale_date <= %(cutoff)s
  and %(days)s > 0
group by a.series_id
having max(a.sale_date) <= %(cutoff)s - %(days)s::integer
