-- the last write of a successful run
update forecast.run
set
    status = 'succeeded',
    metrics = %(metrics)s,
    warnings = %(warnings)s::text[],
    finished_at = clock_timestamp()
where run_id = %(run_id)s
  and status = 'running'
returning extract(epoch from finished_at - started_at)::float8 as duration_s
