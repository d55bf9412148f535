-- mart.plan_fact_series_day: plan of record vs current actuals for one series and day.
-- grain: one row per target_month (the first day of a period of the installation's calendar),
-- series_id and day.
-- The base of the plan-fact views. Plan rows come from the run that is the month's plan
-- of record (forecast.plan_of_record); actual rows from core.actuals_current. A full join
-- keeps actual sales of a series the plan did not cover (plan 0, no interval), so actual
-- totals always equal the sales of the month; a planned day without an actual row yet
-- has actual null. data_version is the latest data version: the one the current actuals are.
create or replace view mart.plan_fact_series_day as
with plan_month as (
    select
        p.target_month,
        p.run_id,
        core.period_end(p.target_month) + 1 as next_month
    from forecast.plan_of_record as p
),
planned as (
    select
        pm.target_month,
        pm.run_id,
        f.series_id,
        f.forecast_date as day,
        f.yhat,
        f.lo_80,
        f.hi_80,
        f.lo_95,
        f.hi_95
    from plan_month as pm
    join forecast.forecast_value as f
        on f.run_id = pm.run_id
        and f.forecast_date >= pm.target_month
        and f.forecast_date < pm.next_month
),
actual as (
    select
        pm.target_month,
        pm.run_id,
        a.series_id,
        a.sale_date as day,
        a.sales,
        a.promo,
        a.is_open,
        a.state_holiday
    from plan_month as pm
    join core.actuals_current as a
        on a.sale_date >= pm.target_month
        and a.sale_date < pm.next_month
),
joined as (
    select
        target_month,
        run_id,
        series_id,
        day,
        p.yhat,
        p.lo_80,
        p.hi_80,
        p.lo_95,
        p.hi_95,
        a.sales,
        a.promo,
        a.is_open,
        a.state_holiday
    from planned as p
    full join actual as a using (target_month, run_id, series_id, day)
)
select
    j.target_month,
    j.run_id,
    j.series_id,
    j.day,
    (select max(v.version_id) from core.data_version as v) as data_version,
    coalesce(j.yhat, 0) as plan,
    j.sales as actual,
    j.sales - coalesce(j.yhat, 0) as variance,
    abs(j.sales - coalesce(j.yhat, 0)) as abs_error,
    j.lo_80,
    j.hi_80,
    j.lo_95,
    j.hi_95,
    j.sales between j.lo_80 and j.hi_80 as inside_80,
    j.sales between j.lo_95 and j.hi_95 as inside_95,
    j.promo,
    j.is_open,
    c.is_holiday or coalesce(j.state_holiday, '0') <> '0' as holiday,
    j.yhat is not null as planned
from joined as j
join core.calendar as c on c.calendar_date = j.day;
