-- Accuracy trend: for every month whose actuals are in, how the plan of record did
-- (WAPE, bias, interval coverage over series-days) next to what its backtest promised.
-- grain: one row per target month, oldest first
select
    fa.target_month,
    fa.run_id,
    round(rr.wape::numeric, 4) as backtest_wape,
    round(fa.wape::numeric, 4) as actual_wape,
    round(100 * fa.bias::numeric, 2) as actual_bias_pct,
    round(fa.coverage_80::numeric, 3) as coverage_80,
    round(fa.coverage_95::numeric, 3) as coverage_95
from mart.forecast_accuracy as fa
join mart.run_registry as rr on rr.run_id = fa.run_id
where fa.level = 'total'
order by fa.target_month;
