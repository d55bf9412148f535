-- Latest plan of record per month: which run is the plan, made from which data and code,
-- its backtest headline, and the plan total beside the actual total once actuals are in.
-- Reads only the mart, so planfact_reader (analysts, finance) can run it.
-- grain: one row per target month, newest first
select
    rr.target_month,
    rr.run_id,
    rr.data_version,
    rr.code_version,
    rr.series,
    round(rr.wape::numeric, 4) as backtest_wape,
    round(rr.bias::numeric, 2) as backtest_bias,
    round(pf.plan::numeric, 0) as plan_total,
    round(pf.actual::numeric, 0) as actual_total,
    round(rr.actual_wape::numeric, 4) as actual_wape
from mart.run_registry as rr
left join mart.plan_fact_monthly as pf
    on pf.run_id = rr.run_id
    and pf.target_month = rr.target_month
    and pf.level = 'total'
where rr.is_plan_of_record
order by rr.target_month desc;
