-- view: mart.plan_fact_monthly
-- test: levels_add_up
-- At every level, the members of a target month add up to its total (plan, actual, abs_error).
with by_level as (
    select
        m.target_month,
        m.level,
        sum(m.plan) as plan,
        sum(m.actual) as actual,
        sum(m.abs_error) as abs_error
    from mart.plan_fact_monthly as m
    group by m.target_month, m.level
)
select
    b.target_month,
    b.level,
    b.plan,
    t.plan as total_plan,
    b.actual,
    t.actual as total_actual
from by_level as b
left join mart.plan_fact_monthly as t
    on t.target_month = b.target_month and t.level = 'total' and t.member = 'all'
where t.target_month is null
   or abs(b.plan - t.plan) > 1e-9 * (1 + abs(t.plan))
   or b.actual is distinct from t.actual
   or abs(coalesce(b.abs_error, 0) - coalesce(t.abs_error, 0)) > 1e-9 * (1 + abs(coalesce(t.abs_error, 0)))
