-- runs marked running that nobody works on: no session holds their run lease (pg_locks), and
-- the caller judged them gone (an unsharded run: at once; a sharded one: idle past the lease).
-- Their shards still marked running fail with them. last_signs: each run's last sign of life as
-- runs/running_work read it, before this sweep failed any of its shards (that is no sign of life).
-- grain: one row per run marked failed
with gone as (
    select k.run_id, k.why, k.last_sign
    from unnest(%(run_ids)s::bigint[], %(high)s::bigint[], %(low)s::bigint[], %(whys)s::text[],
                %(last_signs)s::timestamptz[])
        as k (run_id, high, low, why, last_sign)
    where not exists (
        select 1
        from pg_locks as l
        where l.locktype = 'advisory'
          and l.granted
          and l.database = (select d.oid from pg_database as d where d.datname = current_database())
          and l.objsubid = 1
          and l.classid::bigint = k.high
          and l.objid::bigint = k.low
    )
),
failed as (
    update forecast.run as r
    set
        status = 'failed',
        error = 'abandoned: last heartbeat '
            || to_char(g.last_sign at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')
            || ' UTC (' || g.why || ')',
        finished_at = clock_timestamp()
    from gone as g
    where r.run_id = g.run_id
      and r.status = 'running'
    returning r.run_id, r.error
),
shards as (
    update forecast.run_shard as s
    set
        status = 'failed',
        error = f.error,
        finished_at = clock_timestamp()
    from failed as f
    where s.run_id = f.run_id
      and s.status = 'running'
    returning s.run_id
)
select
    f.run_id,
    f.error,
    (select count(*) from shards as x where x.run_id = f.run_id)::integer as shards_failed
from failed as f
order by f.run_id
