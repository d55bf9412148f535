-- the plan of record of a target month, if any
-- grain: one row per target_month (zero or one row)
select
    por.run_id,
    por.assigned_at
from forecast.plan_of_record as por
where por.target_month = %(month)s
