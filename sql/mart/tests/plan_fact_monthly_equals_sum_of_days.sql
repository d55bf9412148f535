-- view: mart.plan_fact_monthly
-- test: monthly_equals_sum_of_days
-- Every month, level and member of mart.plan_fact_monthly equals the sum of its days in
-- mart.plan_fact_daily (plan, actual, gross actual, absolute error, days), none missing on either side;
-- plans are floats, so sums compare with a relative tolerance of 1e-9. A NaN on either side
-- fails too (PostgreSQL holds NaN equal to NaN and above every number: no tolerance catches it).
with daily as (
    select
        d.target_month,
        d.level,
        d.member,
        sum(d.plan) as plan,
        sum(d.actual) as actual,
        sum(d.gross_actual) as gross_actual,
        sum(d.abs_error) as abs_error,
        count(*) as days
    from mart.plan_fact_daily as d
    group by d.target_month, d.level, d.member
)
select
    coalesce(m.target_month, d.target_month) as target_month,
    coalesce(m.level, d.level) as level,
    coalesce(m.member, d.member) as member,
    m.plan as monthly_plan,
    d.plan as sum_of_daily_plan,
    m.actual as monthly_actual,
    d.actual as sum_of_daily_actual,
    m.days as monthly_days,
    d.days as daily_rows
from mart.plan_fact_monthly as m
full join daily as d
    on d.target_month = m.target_month and d.level = m.level and d.member = m.member
where m.member is null
   or d.member is null
   or abs(m.plan - d.plan) > 1e-9 * (1 + abs(d.plan))
   or m.actual is distinct from d.actual
   or m.gross_actual is distinct from d.gross_actual
   or abs(coalesce(m.abs_error, 0) - coalesce(d.abs_error, 0)) > 1e-9 * (1 + abs(coalesce(d.abs_error, 0)))
   or m.days <> d.days
   or m.plan = 'NaN' or d.plan = 'NaN' or m.actual = 'NaN' or d.actual = 'NaN'
   or m.abs_error = 'NaN' or d.abs_error = 'NaN'
