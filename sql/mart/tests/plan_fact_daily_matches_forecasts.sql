-- view: mart.plan_fact_daily
-- test: total_equals_plan_run_forecasts
-- The daily total plan equals the sum of the plan run's forecast values of that day, and the
-- daily total actual equals the current actuals of the day (to the cent: numeric sums).
with forecasts as (
    select p.target_month, f.forecast_date as day, sum(f.yhat) as plan
    from forecast.plan_of_record as p
    join forecast.forecast_value as f
        on f.run_id = p.run_id
        and f.forecast_date >= p.target_month
        and f.forecast_date <= core.period_end(p.target_month)
    group by p.target_month, f.forecast_date
),
actuals as (
    select p.target_month, a.sale_date as day, sum(a.sales) as actual
    from forecast.plan_of_record as p
    join core.actuals_current as a
        on a.sale_date >= p.target_month
        and a.sale_date <= core.period_end(p.target_month)
    group by p.target_month, a.sale_date
)
select
    d.target_month,
    d.day,
    d.plan as mart_plan,
    f.plan as forecast_plan,
    d.actual as mart_actual,
    a.actual as current_actual
from mart.plan_fact_daily as d
left join forecasts as f on f.target_month = d.target_month and f.day = d.day
left join actuals as a on a.target_month = d.target_month and a.day = d.day
where d.level = 'total'
  and (abs(d.plan - coalesce(f.plan, 0)) > 1e-9 * (1 + abs(coalesce(f.plan, 0)))
       or d.actual is distinct from a.actual)
