-- mart.plan_fact_monthly: plan of record vs current actuals per target month at every level.
-- grain: one row per target_month, level and member.
-- Sums over the member's series-days (mart.plan_fact_series_day):
--   abs_error = sum of series-day absolute errors (days with actuals); gross_actual = sum of
--   |series-day actual| (the actual plus twice its returns: net sales may be negative);
--   wape = abs_error / gross_actual; bias = variance / gross_actual (positive: actuals above
--   plan), the one definition of WAPE and bias of the mart, the report and the registry, so
--   both keep their meaning when returns bring a net actual to zero or below;
--   coverage_80/95 = share of the series-days with actuals and interval bounds whose actual
--   lies inside the interval;
--   days = planned days; actual_days = days with at least one actual;
--   ytd_plan / ytd_actual accumulate within the (fiscal) year over plan-of-record periods
--   (ytd_actual is null for a month without actuals yet).
-- v3 (migration 0033): WAPE and bias over gross_actual (v2 divided by the net actual).
-- Materialized; the unique index on the grain lets `planfact mart refresh` run concurrently.
create materialized view mart.plan_fact_monthly as
with member_month as (
    select
        b.target_month,
        coalesce(min(cp.fiscal_year), extract(year from b.target_month)) as fiscal_year,
        l.level,
        l.member,
        min(l.level_order) as level_order,
        min(b.run_id) as run_id,
        min(b.data_version) as data_version,
        sum(b.plan) as plan,
        sum(b.actual) as actual,
        sum(b.abs_error) as abs_error,
        sum(abs(b.actual)) as gross_actual,
        avg(b.inside_80::int) as coverage_80,
        avg(b.inside_95::int) as coverage_95,
        count(distinct b.day) as days,
        count(distinct b.day) filter (where b.actual is not null) as actual_days,
        count(distinct b.series_id) as series
    from mart.plan_fact_series_day as b
    join mart.series_level as l on l.series_id = b.series_id
    left join core.calendar_period as cp on cp.period_start = b.target_month
    group by b.target_month, l.level, l.member
)
select
    target_month,
    level,
    member,
    run_id,
    plan,
    actual,
    actual - plan as variance,
    (actual - plan) / nullif(plan, 0) as variance_pct,
    abs_error,
    abs_error / nullif(gross_actual, 0) as wape,
    (actual - plan) / nullif(gross_actual, 0) as bias,
    coverage_80::double precision as coverage_80,
    coverage_95::double precision as coverage_95,
    days::integer as days,
    sum(plan) over ytd as ytd_plan,
    case when actual is not null then sum(actual) over ytd end as ytd_actual,
    data_version,
    actual_days::integer as actual_days,
    series::integer as series,
    level_order,
    gross_actual
from member_month
window ytd as (
    partition by level, member, fiscal_year
    order by target_month
    rows between unbounded preceding and current row
)
with data;

create unique index plan_fact_monthly_grain on mart.plan_fact_monthly (target_month, level, member);
