-- the largest misses of a month at one level (store): by |variance| and by |variance_pct|.
-- grain: one row per ranking ('absolute' | 'relative') and rank.
-- The relative ranking only considers member-days whose plan is at least half the median
-- positive plan, so a tiny plan cannot top the list with a meaningless percentage.
with days as (
    select d.member, d.day, d.plan, d.actual, d.variance, d.variance_pct, d.promo_share,
           d.closed_share, coalesce(d.holiday, false) as holiday
    from mart.plan_fact_daily as d
    where d.target_month = %(month)s
      and d.level = %(level)s
      and d.actual is not null
),
materiality as (
    select 0.5 * percentile_cont(0.5) within group (order by plan) as plan_floor
    from days
    where plan > 0
),
absolute as (
    select 'absolute' as ranking, days.*,
           row_number() over (order by abs(variance) desc, member, day) as rank
    from days
),
relative as (
    select 'relative' as ranking, days.*,
           row_number() over (order by abs(variance_pct) desc, member, day) as rank
    from days
    cross join materiality
    where days.plan >= materiality.plan_floor
      and days.variance_pct is not null
)
select ranking, rank, member, day, plan, actual, promo_share, closed_share, holiday
from absolute where rank <= %(top)s
union all
select ranking, rank, member, day, plan, actual, promo_share, closed_share, holiday
from relative where rank <= %(top)s
order by ranking, rank
