-- a shard's rows are written: same transaction as the rows
update forecast.run_shard
set
    status = 'succeeded',
    series_count = %(series_count)s,
    timings = %(timings)s,
    warnings = %(warnings)s::text[],
    finished_at = clock_timestamp()
where run_id = %(run_id)s
  and shard_index = %(shard_index)s
