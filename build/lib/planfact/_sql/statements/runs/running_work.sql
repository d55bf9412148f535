-- runs still marked running, with what tells whether anybody still works on them
-- grain: one row per running run (optionally of one month or one run)
-- last_sign is the newest of the run's start, its heartbeat and its shards' starts, heartbeats
-- and ends; idle_s the seconds since then; running_shards the shards marked running.
select
    r.run_id,
    coalesce(r.params ->> 'mode', 'single') as mode,
    greatest(r.started_at, r.heartbeat_at, max(s.started_at), max(s.heartbeat_at), max(s.finished_at))
        as last_sign,
    extract(
        epoch from clock_timestamp()
        - greatest(r.started_at, r.heartbeat_at, max(s.started_at), max(s.heartbeat_at), max(s.finished_at))
    )::float8 as idle_s,
    coalesce(array_agg(s.shard_index order by s.shard_index) filter (where s.status = 'running'), '{}')
        as running_shards
from forecast.run as r
left join forecast.run_shard as s on s.run_id = r.run_id
where r.status = 'running'
  and (%(month)s::date is null or r.target_month = %(month)s::date)
  and (%(run_id)s::bigint is null or r.run_id = %(run_id)s::bigint)
group by r.run_id
order by r.run_id
