-- Accuracy trend: for every month whose actuals are in, how the plan of record did
-- (WAPE, bias, 80 % interval coverage over series-days) next to what its backtest promised.
-- grain: one row per target month, oldest first
select
    p.target_month,
    p.run_id,
    round((r.metrics ->> 'wape')::numeric, 4) as backtest_wape,
    round((sum(abs(a.sales - f.yhat::numeric)) / nullif(sum(a.sales), 0)), 4) as actual_wape,
    round(100 * sum(f.yhat::numeric - a.sales) / nullif(sum(a.sales), 0), 2) as actual_bias_pct,
    round(avg(case when a.sales between f.lo_80 and f.hi_80 then 1.0 else 0.0 end), 3) as coverage_80,
    count(*) as series_days
from forecast.plan_of_record as p
join forecast.run as r on r.run_id = p.run_id
join forecast.forecast_value as f on f.run_id = p.run_id
join core.actuals_current as a
    on a.series_id = f.series_id
    and a.sale_date = f.forecast_date
group by p.target_month, p.run_id, r.metrics
order by p.target_month;
