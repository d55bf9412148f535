-- registers a run as running, committed before any work so a failure can be recorded
insert into forecast.run (
    kind,
    target_month,
    data_version,
    model_version,
    code_version,
    config,
    config_sha256,
    params,
    status,
    shard_count,
    host,
    started_by
)
values (
    %(kind)s,
    %(month)s,
    %(data_version)s,
    %(model_version)s,
    %(code_version)s,
    %(config)s,
    %(config_sha256)s,
    %(params)s,
    'running',
    %(shard_count)s,
    %(host)s,
    coalesce(%(started_by)s, current_user)
)
returning run_id
