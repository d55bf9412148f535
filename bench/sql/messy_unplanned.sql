-- series a run should have planned (actuals up to its cutoff in its data version, not left out
-- as discontinued) that lack a forecast for some day of the month (bench/messy.py: must be 0)
-- grain: one row
select count(*)
from (
    select a.series_id
    from core.actuals_as_of(%(data_version)s) as a
    where a.sale_date <= %(cutoff)s
    group by a.series_id
) as s
where not exists (
    select 1 from forecast.run_excluded_series as e
    where e.run_id = %(run_id)s and e.series_id = s.series_id
)
and (
    select count(*) from forecast.forecast_value as f
    where f.run_id = %(run_id)s and f.series_id = s.series_id
) < %(days)s
