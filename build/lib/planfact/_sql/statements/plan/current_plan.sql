-- the plan of record of a month, if any
select
    run_id,
    assigned_at,
    assigned_by,
    reason
from forecast.plan_of_record
where target_month = %(month)s
