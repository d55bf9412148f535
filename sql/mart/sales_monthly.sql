-- mart.sales_monthly: current actuals per period of the installation's calendar (calendar
-- months, or fiscal periods of a 4-4-5 family calendar) at every aggregation level.
-- grain: one row per month (the period's first day, core.calendar.period_start), level and member (levels as in mart.series_level: total,
-- store_type, assortment, state, city, group, store, series).
-- Materialized (refreshed by `planfact mart refresh`); the unique index on the grain lets
-- it refresh concurrently. Series are first summed per month, then rolled up to every
-- level, so all measures are additive (counts of series-days, not of distinct days).
create materialized view mart.sales_monthly as
with series_month as (
    select
        a.series_id,
        coalesce(c.period_start, date_trunc('month', a.sale_date)::date) as month,
        sum(a.sales) as sales,
        sum(a.customers) as customers,
        count(*) as series_days,
        count(*) filter (where a.is_open) as open_days,
        count(*) filter (where a.promo > 0) as promo_days,
        min(a.sale_date) as first_day,
        max(a.sale_date) as last_day,
        max(a.valid_from_version) as latest_change_version
    from core.actuals_current as a
    -- period_start is null until planfact records the calendar: calendar months then
    join core.calendar as c on c.calendar_date = a.sale_date
    group by a.series_id, coalesce(c.period_start, date_trunc('month', a.sale_date)::date)
)
select
    m.month,
    l.level,
    l.member,
    sum(m.sales) as sales,
    sum(m.customers) as customers,
    count(*) as series,
    sum(m.series_days)::bigint as series_days,
    sum(m.open_days)::bigint as open_days,
    sum(m.promo_days)::bigint as promo_days,
    min(m.first_day) as first_day,
    max(m.last_day) as last_day,
    max(m.latest_change_version) as latest_change_version
from series_month as m
join mart.series_level as l on l.series_id = m.series_id
group by m.month, l.level, l.member
with data;

create unique index sales_monthly_grain on mart.sales_monthly (month, level, member);
