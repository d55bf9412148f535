-- the demo's closing table: each month's plan of record, what it was trained on, how it did
-- grain: one row per target_month that has a plan of record
-- backtest_wape: the run's own backtest headline; actual_wape / actual_bias: the plan against
-- the current actuals at series level (mart.forecast_accuracy, as of the last mart refresh).
select
    r.target_month,
    r.data_version,
    r.run_id as plan_run,
    r.series,
    r.wape as backtest_wape,
    a.wape as actual_wape,
    a.bias as actual_bias,
    a.data_version as actuals_version,
    r.duration_s,
    r.chosen_models
from mart.run_registry as r
left join mart.forecast_accuracy as a
    on a.target_month = r.target_month
    and a.level = 'series'
where r.is_plan_of_record
order by r.target_month
