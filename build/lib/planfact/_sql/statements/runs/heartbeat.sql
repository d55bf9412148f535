-- a sign of life of the process working on a run (and on one of its shards, when given);
-- rows locked by a shard's write transaction are skipped (a beat never waits: the next one counts)
with shard as (
    update forecast.run_shard
    set heartbeat_at = clock_timestamp()
    where (run_id, shard_index) in (
        select s.run_id, s.shard_index
        from forecast.run_shard as s
        where s.run_id = %(run_id)s
          and s.shard_index = %(shard_index)s
          and s.status = 'running'
        for no key update skip locked
    )
    returning run_id
)
update forecast.run
set heartbeat_at = clock_timestamp()
where run_id in (
    select r.run_id
    from forecast.run as r
    where r.run_id = %(run_id)s
      and r.status = 'running'
    for no key update skip locked
)
