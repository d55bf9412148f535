-- mart.forecast_accuracy: accuracy of each month's plan of record at every aggregation level.
-- grain: one row per target_month and level.
-- Errors compare like with like: each member-day sums the plan and the actual of the series-days
-- that have actuals (mart.plan_fact_series_day), so a series that reported nothing that day
-- counts on neither side. Then, over the level's member-days:
--   wape = sum |actual - plan| / sum actual (errors taken after summing to the member, so
--          they partly cancel at higher levels);
--   bias = sum (actual - plan) / sum actual (positive: actuals above plan);
--   mape = mean of |actual - plan| / actual over member-days with actual > 0 (null if none);
--   coverage_80/95 = share of series-days inside their own interval: coverage is measured at
--   series level only (summed bounds are conservative), so it is the same for every level.
-- plan is the whole month's plan; months without actuals yet have null measures.
-- Materialized; refreshed by `planfact mart refresh`.
create materialized view mart.forecast_accuracy as
with member_day as (
    select
        b.target_month,
        l.level,
        l.member,
        b.day,
        min(b.run_id) as run_id,
        min(b.data_version) as data_version,
        sum(b.plan) as plan,
        sum(b.plan) filter (where b.actual is not null) as plan_with_actual,
        sum(b.actual) as actual,
        avg(b.inside_80::int) filter (where l.level = 'series') as inside_80,
        avg(b.inside_95::int) filter (where l.level = 'series') as inside_95
    from mart.plan_fact_series_day as b
    join mart.series_level as l on l.series_id = b.series_id
    group by b.target_month, l.level, l.member, b.day
),
level_month as (
    select
        d.target_month,
        d.level,
        min(d.run_id) as run_id,
        min(d.data_version) as data_version,
        sum(abs(d.actual - d.plan_with_actual)) as abs_error,
        sum(d.actual - d.plan_with_actual) as variance,
        sum(d.actual) as actual,
        sum(d.plan_with_actual) as plan_with_actual,
        sum(d.plan) as plan,
        avg(abs(d.actual - d.plan_with_actual) / d.actual) filter (where d.actual > 0) as mape,
        count(distinct d.member) as members,
        count(*) filter (where d.actual is not null) as member_days
    from member_day as d
    group by d.target_month, d.level
),
series_coverage as (
    select
        d.target_month,
        avg(d.inside_80)::double precision as coverage_80,
        avg(d.inside_95)::double precision as coverage_95
    from member_day as d
    where d.level = 'series'
    group by d.target_month
)
select
    m.target_month,
    m.level,
    m.abs_error / nullif(m.actual, 0) as wape,
    m.variance / nullif(m.actual, 0) as bias,
    m.mape::double precision as mape,
    c.coverage_80,
    c.coverage_95,
    m.run_id,
    m.data_version,
    m.plan,
    m.actual,
    m.plan_with_actual,
    m.members::integer as members,
    m.member_days::integer as member_days
from level_month as m
left join series_coverage as c on c.target_month = m.target_month
with data;

create unique index forecast_accuracy_grain on mart.forecast_accuracy (target_month, level);
