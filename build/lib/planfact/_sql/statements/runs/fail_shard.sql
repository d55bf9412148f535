-- a shard failed: its rows were rolled back; the error is kept for the registry
update forecast.run_shard
set
    status = 'failed',
    error = %(error)s,
    finished_at = clock_timestamp()
where run_id = %(run_id)s
  and shard_index = %(shard_index)s
  and status = 'running'
