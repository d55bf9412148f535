-- the series a month's plan of record left out as discontinued, with their reader's name, last
-- actual before the plan, the run's setting, and their actual of the month if they reported any
-- grain: one row per discontinued series of the plan of record
with excluded as (
    select
        e.series_id,
        e.last_actual_date,
        (r.params ->> 'discontinued_days')::integer as days
    from forecast.plan_of_record as p
    join forecast.run as r on r.run_id = p.run_id
    join forecast.run_excluded_series as e on e.run_id = p.run_id
    where p.target_month = %(month)s
      and e.reason = 'discontinued'
),
month_actual as (
    -- (the series level of the materialized plan_fact_daily: one row per series-day, so the
    -- live series-day view's full join of every series of the month is not computed again)
    select d.member::integer as series_id, sum(d.actual) as actual
    from mart.plan_fact_daily as d
    where d.target_month = %(month)s
      and d.level = 'series'
      and d.actual is not null
      and d.member in (select x.series_id::text from excluded as x)
    group by d.member
)
select
    x.series_id::text as member,
    coalesce(l.label, sd.series_label) as label,
    x.last_actual_date,
    x.days,
    a.actual
from excluded as x
join mart.series_dim as sd on sd.series_id = x.series_id
left join mart.member_label as l on l.level = 'series' and l.member = x.series_id::text
left join month_actual as a on a.series_id = x.series_id
order by label, x.series_id
