-- Latest plan of record per month: which run is the plan, made from which data and code,
-- its backtest headline, and the plan total beside the actual total once actuals are in.
-- grain: one row per target month, newest first
select
    p.target_month,
    p.run_id,
    p.assigned_at,
    p.reason,
    r.data_version,
    r.code_version,
    (r.metrics ->> 'series')::integer as series,
    round((r.metrics ->> 'wape')::numeric, 4) as backtest_wape,
    round((r.metrics ->> 'bias')::numeric, 2) as backtest_bias_pct,
    round(sum(f.yhat)::numeric, 0) as plan_total,
    round(sum(a.sales), 0) as actual_total
from forecast.plan_of_record as p
join forecast.run as r on r.run_id = p.run_id
join forecast.forecast_value as f on f.run_id = p.run_id
left join core.actuals_current as a
    on a.series_id = f.series_id
    and a.sale_date = f.forecast_date
group by p.target_month, p.run_id, p.assigned_at, p.reason, r.data_version, r.code_version, r.metrics
order by p.target_month desc;
