-- shards marked running whose process is gone: no session holds their shard lock any more
-- (pg_locks; a bigint advisory key shows as classid = high half, objid = low half, objsubid 1)
-- grain: one row per shard marked failed
update forecast.run_shard as s
set
    status = 'failed',
    error = 'abandoned: last heartbeat '
        || to_char(coalesce(s.heartbeat_at, s.started_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')
        || ' UTC (its process ended without finishing the shard)',
    finished_at = clock_timestamp()
from unnest(%(run_ids)s::bigint[], %(shard_indexes)s::integer[], %(high)s::bigint[], %(low)s::bigint[])
    as k (run_id, shard_index, high, low)
where s.run_id = k.run_id
  and s.shard_index = k.shard_index
  and s.status = 'running'
  and not exists (
      select 1
      from pg_locks as l
      where l.locktype = 'advisory'
        and l.granted
        and l.database = (select d.oid from pg_database as d where d.datname = current_database())
        and l.objsubid = 1
        and l.classid::bigint = k.high
        and l.objid::bigint = k.low
  )
returning s.run_id, s.shard_index, s.error
