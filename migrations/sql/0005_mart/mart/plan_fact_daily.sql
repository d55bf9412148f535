-- mart.plan_fact_daily: plan of record vs current actuals per day at every aggregation level.
-- grain: one row per target_month, level, member and day.
-- Measures are sums over the member's series-days (mart.plan_fact_series_day):
--   actual is null until actuals of that day are loaded; abs_error is the sum of the
--   series-day absolute errors (so abs_error / actual is the WAPE of the series forecasts);
--   lo/hi bounds are summed, which is conservative above series level; inside_80/95 are
--   set at series level only (coverage of aggregates is computed from series-days);
--   promo_share and closed_share are shares of the series-days with actuals;
--   ytd_plan / ytd_actual accumulate within the calendar year over plan-of-record days
--   (ytd_actual is null on a day whose actual is not loaded yet).
-- Materialized; the unique index on the grain lets `planfact mart refresh` run concurrently.
create materialized view mart.plan_fact_daily as
with member_day as (
    select
        b.target_month,
        l.level,
        l.member,
        b.day,
        min(b.run_id) as run_id,
        min(b.data_version) as data_version,
        sum(b.plan) as plan,
        sum(b.actual) as actual,
        sum(b.abs_error) as abs_error,
        sum(b.lo_80) as lo_80,
        sum(b.hi_80) as hi_80,
        sum(b.lo_95) as lo_95,
        sum(b.hi_95) as hi_95,
        case when l.level = 'series' then bool_and(b.inside_80) end as inside_80,
        case when l.level = 'series' then bool_and(b.inside_95) end as inside_95,
        avg((b.promo > 0)::int) as promo_share,
        bool_or(b.holiday) as holiday,
        avg((not b.is_open)::int) as closed_share
    from mart.plan_fact_series_day as b
    join mart.series_level as l on l.series_id = b.series_id
    group by b.target_month, l.level, l.member, b.day
)
select
    target_month,
    level,
    member,
    day,
    run_id,
    data_version,
    plan,
    actual,
    actual - plan as variance,
    (actual - plan) / nullif(plan, 0) as variance_pct,
    abs_error,
    lo_80,
    hi_80,
    lo_95,
    hi_95,
    inside_80,
    inside_95,
    promo_share::double precision as promo_share,
    holiday,
    closed_share::double precision as closed_share,
    sum(plan) over ytd as ytd_plan,
    case when actual is not null then sum(actual) over ytd end as ytd_actual
from member_day
window ytd as (
    partition by level, member, extract(year from day)
    order by day
    rows between unbounded preceding and current row
)
with data;

create unique index plan_fact_daily_grain on mart.plan_fact_daily (target_month, level, member, day);
create index plan_fact_daily_level on mart.plan_fact_daily (level, target_month);
