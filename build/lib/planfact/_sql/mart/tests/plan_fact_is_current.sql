-- view: mart.plan_fact_monthly
-- test: matches_plan_of_record
-- Each month with a plan of record appears with that plan's run, and no other month appears:
-- fails after a plan is assigned or promoted until `planfact mart refresh` runs.
select
    coalesce(p.target_month, m.target_month) as target_month,
    p.run_id as plan_of_record_run_id,
    m.run_id as mart_run_id
from forecast.plan_of_record as p
full join (
    select t.target_month, t.run_id
    from mart.plan_fact_monthly as t
    where t.level = 'total'
) as m on m.target_month = p.target_month
where p.run_id is distinct from m.run_id
