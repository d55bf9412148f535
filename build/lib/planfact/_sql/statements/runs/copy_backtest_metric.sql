-- evidence rows of one shard, streamed in binary (grain: run, series, model, fold, metric)
copy forecast.backtest_metric (run_id, series_id, model_version_id, fold, metric, value)
from stdin with (format binary)
