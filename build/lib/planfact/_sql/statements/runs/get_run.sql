-- one run of the registry with everything a shard, finalize or reproduce needs
select
    run_id,
    kind,
    target_month,
    data_version,
    model_version,
    code_version,
    config,
    config_sha256,
    params,
    metrics,
    status,
    error,
    shard_count,
    started_at,
    finished_at
from forecast.run
where run_id = %(run_id)s
