-- the plan of the given days of a month (the days without actuals yet) at every level and member.
-- grain: one row per level and member.
select d.level, d.member, sum(d.plan) as plan
from mart.plan_fact_daily as d
where d.target_month = %(month)s
  and d.day = any(%(days)s)
group by d.level, d.member
