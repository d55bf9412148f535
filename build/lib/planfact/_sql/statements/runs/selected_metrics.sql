-- headline backtest metrics of a run: the chosen model of each series over the evaluated
-- folds (warm-up folds have numbers <= 0 and are left out); undefined values are null
-- grain: one row per metric
select
    bm.metric,
    avg(bm.value) as mean,
    percentile_cont(0.5) within group (order by bm.value) as median,
    count(bm.value) as n
from forecast.selection as s
join forecast.backtest_metric as bm
    on bm.run_id = s.run_id
    and bm.series_id = s.series_id
    and bm.model_version_id = s.model_version_id
where s.run_id = %(run_id)s
  and bm.fold >= 1
group by bm.metric
order by bm.metric
