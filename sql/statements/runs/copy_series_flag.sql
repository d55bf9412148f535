-- the flags of one shard's series, streamed in binary (grain: run, series, flag)
copy forecast.series_flag (run_id, series_id, flag, reason)
from stdin with (format binary)
