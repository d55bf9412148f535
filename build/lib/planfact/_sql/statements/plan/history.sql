-- every plan assignment of a month, newest first
-- grain: one row per assignment
select
    pa.assigned_at,
    pa.run_id,
    r.kind,
    r.status,
    pa.assigned_by,
    pa.reason
from forecast.plan_assignment as pa
join forecast.run as r on r.run_id = pa.run_id
where pa.target_month = %(month)s
order by pa.assigned_at desc
