-- the plan of record of a month as the registry shows it (live view, not materialized).
-- grain: at most one row.
select
    r.run_id,
    r.kind,
    r.status,
    r.data_version,
    r.model_version,
    r.code_version,
    r.started_at,
    r.finished_at,
    r.chosen_models
from mart.run_registry as r
where r.target_month = %(month)s
  and r.is_plan_of_record
