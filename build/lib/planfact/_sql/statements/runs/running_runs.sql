-- the runs of a month still marked running, newest first (to name who holds a lock)
-- grain: one row per run
select
    run_id,
    kind,
    shard_count,
    host,
    started_at
from forecast.run
where target_month = %(month)s
  and status = 'running'
order by run_id desc
