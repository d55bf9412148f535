-- unsharded runs of a month left running by a killed process; only called while holding the
-- exclusive month lock, which such runs hold for their whole life, so none can still be alive
update forecast.run
set
    status = 'failed',
    error = %(error)s,
    finished_at = clock_timestamp()
where target_month = %(month)s
  and status = 'running'
  and shard_count = 1
  and params ->> 'mode' = 'single'
returning run_id
