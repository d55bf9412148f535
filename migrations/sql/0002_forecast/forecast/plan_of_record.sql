-- forecast.plan_of_record: the plan of each target month.
-- grain: one row per target_month.
-- The latest assignment wins; only succeeded production runs can be plans, so a
-- failed or killed run never shows here.
create or replace view forecast.plan_of_record as
select distinct on (pa.target_month)
    pa.target_month,
    pa.run_id,
    pa.assigned_at,
    pa.assigned_by,
    pa.reason
from forecast.plan_assignment as pa
join forecast.run as r on r.run_id = pa.run_id
where r.status = 'succeeded'
  and r.kind = 'production'
order by pa.target_month, pa.assigned_at desc;
