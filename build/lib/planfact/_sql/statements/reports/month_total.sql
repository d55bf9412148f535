-- the total level of one month (used for the previous month).
-- grain: at most one row.
select
    m.run_id,
    m.plan,
    m.actual,
    m.abs_error,
    m.coverage_80,
    m.coverage_95,
    m.days
from mart.plan_fact_monthly as m
where m.target_month = %(month)s
  and m.level = 'total'
