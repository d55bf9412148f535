-- the shards of a run as recorded so far
-- grain: one row per shard that started
select
    shard_index,
    status,
    error,
    series_count,
    timings,
    host,
    started_at,
    finished_at
from forecast.run_shard
where run_id = %(run_id)s
order by shard_index
