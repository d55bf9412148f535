-- mart.run_accuracy: how every succeeded run's forecasts compare with the current actuals.
-- grain: one row per run_id (succeeded runs of any kind, plan of record or not).
-- Over the run's series-days in its target month (a period of the installation's calendar) that
-- have actuals: actual_gross_total = sum |actual| (the actual plus twice its returns),
-- actual_wape = sum |actual - yhat| / actual_gross_total, actual_bias = sum (actual - yhat) /
-- actual_gross_total (the one definition of WAPE and bias of the mart and the report),
-- coverage = share inside the interval.
-- Runs whose month has no actuals yet have series_days_with_actual 0 and null measures.
-- v3 (migration 0033): WAPE and bias over actual_gross_total (v2 divided by the net actual).
-- Materialized; read by mart.run_registry (actual_wape).
create materialized view mart.run_accuracy as
select
    r.run_id,
    r.target_month,
    count(a.sales)::integer as series_days_with_actual,
    sum(f.yhat) filter (where a.sales is not null) as forecast_total,
    sum(a.sales) as actual_total,
    sum(abs(a.sales - f.yhat)) / nullif(sum(abs(a.sales)), 0) as actual_wape,
    sum(a.sales - f.yhat) / nullif(sum(abs(a.sales)), 0) as actual_bias,
    avg((a.sales between f.lo_80 and f.hi_80)::int)::double precision as actual_coverage_80,
    avg((a.sales between f.lo_95 and f.hi_95)::int)::double precision as actual_coverage_95,
    sum(abs(a.sales)) as actual_gross_total
from (
    select run.run_id, run.target_month, core.period_end(run.target_month) as period_end
    from forecast.run
    where run.status = 'succeeded'
) as r
join forecast.forecast_value as f
    on f.run_id = r.run_id
    and f.forecast_date >= r.target_month
    and f.forecast_date <= r.period_end
left join core.actuals_current as a
    on a.series_id = f.series_id
    and a.sale_date = f.forecast_date
group by r.run_id, r.target_month
with data;

create unique index run_accuracy_grain on mart.run_accuracy (run_id);
