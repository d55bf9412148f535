-- daily plan vs actual of the given members of one level in one month.
-- grain: one row per member and day.
select
    d.member,
    d.day,
    d.plan,
    d.actual,
    d.lo_80,
    d.hi_80,
    d.lo_95,
    d.hi_95,
    d.promo_share,
    d.closed_share,
    coalesce(d.holiday, false) as holiday
from mart.plan_fact_daily as d
where d.target_month = %(month)s
  and d.level = %(level)s
  and d.member = any(%(members)s)
order by d.member, d.day
