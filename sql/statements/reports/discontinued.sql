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
    select b.series_id, sum(b.actual) as actual
    from mart.plan_fact_series_day as b
    where b.target_month = %(month)s
      and b.actual is not null
      and b.series_id in (select x.series_id from excluded as x)
    group by b.series_id
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
