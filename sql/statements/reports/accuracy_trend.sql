-- the total of each month with actuals from first_month to month, for the accuracy trend, the
-- previous month and year to date: plan, actual, absolute error and coverage summed over the
-- series-days as mart.plan_fact_monthly sums them (the report's summary uses the same rows, so
-- WAPE and bias have one definition in the whole report), the returns (negative series-day
-- actuals: half the gross actual's excess over the actual) and the MAPE of the series-days
-- (mart.forecast_accuracy at series level).
-- grain: one row per target_month.
select
    m.target_month,
    m.run_id,
    m.plan,
    m.actual,
    m.abs_error,
    m.coverage_80,
    m.coverage_95,
    m.days,
    m.actual_days,
    (m.gross_actual - m.actual) / 2 as returns,
    a.mape
from mart.plan_fact_monthly as m
left join mart.forecast_accuracy as a
    on a.target_month = m.target_month
    and a.level = 'series'
where m.level = 'total'
  and m.target_month between %(first_month)s and %(month)s
  and m.actual is not null
order by m.target_month
