-- plan vs actual of one month at every level and member.
-- grain: one row per level and member; coarse levels first, largest plan first.
-- returns: the negative series-day actuals of the member (gross_actual = actual + 2 x returns,
-- the denominator of WAPE and bias), 0 without any.
select
    m.level,
    m.member,
    m.run_id,
    m.data_version,
    m.plan,
    m.actual,
    m.abs_error,
    m.coverage_80,
    m.coverage_95,
    m.days,
    m.actual_days,
    m.series,
    m.ytd_plan,
    m.ytd_actual,
    coalesce((m.gross_actual - m.actual) / 2, 0) as returns
from mart.plan_fact_monthly as m
where m.target_month = %(month)s
order by m.level_order, m.plan desc, m.member
