-- how many series-days and store-days a month has (planned or with actuals).
-- grain: one row.
select
    count(*) as series_days,
    count(distinct (o.member, d.day)) as store_days
from mart.plan_fact_daily as d
join mart.series_level as o
    on o.series_id::text = d.member
    and o.level = 'store'
where d.target_month = %(month)s
  and d.level = 'series'
