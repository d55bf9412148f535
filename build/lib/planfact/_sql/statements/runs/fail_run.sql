-- the last write of a failed run, in its own transaction so it survives the failure
update forecast.run
set
    status = 'failed',
    error = %(error)s,
    finished_at = clock_timestamp()
where run_id = %(run_id)s
  and status = 'running'
