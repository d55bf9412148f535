-- how many series-days and store-days a month has (planned or with actuals).
-- grain: one row.
-- (grouped by store and day first: a count of distinct rows would sort a million records)
select
    coalesce(sum(store_day.series_days), 0)::bigint as series_days,
    count(*) as store_days
from (
    select o.member, d.day, count(*) as series_days
    from mart.plan_fact_daily as d
    join mart.series_level as o
        on o.series_id::text = d.member
        and o.level = 'store'
    where d.target_month = %(month)s
      and d.level = 'series'
    group by o.member, d.day
) as store_day
