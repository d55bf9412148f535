-- the series-days not reported yet in the months first_month..month: a store reports a day or it
-- does not, so a series-day is unreported when no series of its store has an actual that day.
-- (A series without a row on a day its store reported sold nothing: sparse feeds send only the
-- days with sales, and mart.plan_fact_daily already counts such a day as actual 0 in the sums.)
-- grain: one row per target_month, series and day not reported; stores and days in order.
with series_day as (
    select d.target_month, d.member as series, d.day, d.plan, d.actual
    from mart.plan_fact_daily as d
    where d.level = 'series'
      and d.target_month between %(first_month)s and %(month)s
),
store_of as (
    select l.series_id::text as series, l.member as store
    from mart.series_level as l
    where l.level = 'store'
),
store_day as (
    select s.target_month, o.store, s.day, bool_or(s.actual is not null) as reported
    from series_day as s
    join store_of as o on o.series = s.series
    group by s.target_month, o.store, s.day
)
select s.target_month, s.series, o.store, s.day, s.plan
from series_day as s
join store_of as o on o.series = s.series
join store_day as d
    on d.target_month = s.target_month
    and d.store = o.store
    and d.day = s.day
where not d.reported
order by s.target_month, o.store, s.day, s.series
