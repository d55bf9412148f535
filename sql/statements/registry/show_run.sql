-- one run with its plan-of-record flag and duration
select
    r.run_id,
    r.kind,
    r.target_month,
    r.status,
    r.error,
    r.data_version,
    r.model_version,
    r.code_version,
    r.config_sha256,
    r.config ->> 'source' as experiments,
    r.params,
    r.metrics,
    r.shard_count,
    r.started_at,
    r.finished_at,
    extract(epoch from r.finished_at - r.started_at)::float8 as duration_s,
    r.host,
    r.started_by,
    r.warnings,
    (p.run_id is not null) as is_plan
from forecast.run as r
left join forecast.plan_of_record as p on p.run_id = r.run_id
where r.run_id = %(run_id)s
