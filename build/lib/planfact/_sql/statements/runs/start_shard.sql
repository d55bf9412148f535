-- marks a shard running (again, after a failure); returns nothing when it already succeeded
insert into forecast.run_shard (run_id, shard_index, status, host, started_at)
values (%(run_id)s, %(shard_index)s, 'running', %(host)s, clock_timestamp())
on conflict (run_id, shard_index) do update
set
    status = 'running',
    host = excluded.host,
    started_at = excluded.started_at,
    finished_at = null,
    error = null,
    timings = '{}'::jsonb
where forecast.run_shard.status <> 'succeeded'
returning status
