-- fresh planner statistics on what the shards just wrote, before finalize reads it: the
-- selected-metrics join of a new run must not wait for autovacuum (it ran 8 minutes on stale
-- statistics of a big run; 0.6 s after analyze)
analyze forecast.selection, forecast.backtest_metric, forecast.forecast_value, forecast.run_shard
