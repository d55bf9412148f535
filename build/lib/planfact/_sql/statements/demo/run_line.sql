-- one run as the demo's progress line shows it
-- grain: one row per run_id (zero or one row)
select
    r.run_id,
    r.status,
    r.series,
    r.wape,
    r.bias,
    r.is_plan_of_record,
    r.chosen_models
from mart.run_registry as r
where r.run_id = %(run_id)s
