-- the chosen model per series of one shard, streamed in binary (grain: run, series)
copy forecast.selection (run_id, series_id, model_version_id, score, reason)
from stdin with (format binary)
