-- returns of one month: the negative series-day actuals summed to every level and member.
-- grain: one row per level and member that has at least one negative series-day actual.
-- (the series rows of mart.plan_fact_daily are series-days; a member's gross actual is its
-- actual plus twice these returns.)
select l.level, l.member, -sum(d.actual) as returns
from mart.plan_fact_daily as d
join mart.series_level as l on l.series_id::text = d.member
where d.target_month = %(month)s
  and d.level = 'series'
  and d.actual < 0
group by l.level, l.member
