-- the series-days not reported yet in the months first_month..month: a store reports a day or it
-- does not, so a series-day is unreported when no series of its store has an actual that day.
-- (A series without a row on a day its store reported sold nothing: sparse feeds send only the
-- days with sales, and mart.plan_fact_daily already counts such a day as actual 0 in the sums.)
-- grain: one row per target_month, series and day not reported; stores and days in order.
-- (each series-day read once with its store; the store-days nobody reported are found by one
-- aggregate, usually none, and only their series-days are picked out)
with series_day as materialized (
    select d.target_month, d.member as series, o.member as store, d.day, d.plan, d.actual
    from mart.plan_fact_daily as d
    join mart.series_level as o
        on o.series_id::text = d.member
        and o.level = 'store'
    where d.level = 'series'
      and d.target_month between %(first_month)s and %(month)s
),
unreported as (
    select s.target_month, s.store, s.day
    from series_day as s
    group by s.target_month, s.store, s.day
    having not bool_or(s.actual is not null)
)
select s.target_month, s.series, s.store, s.day, s.plan
from series_day as s
join unreported as u
    on u.target_month = s.target_month
    and u.store = s.store
    and u.day = s.day
order by s.target_month, s.store, s.day, s.series
