-- mart.run_registry: one readable row per forecasting run, for finance and analysts.
-- grain: one row per run_id.
-- wape / bias are the run's backtest headline metrics (forecast.run.metrics keys "wape" and
-- "bias", or the same keys under "backtest"); actual_wape / actual_bias compare its forecasts
-- with the current actuals once they exist (mart.run_accuracy, as of the last refresh).
-- duration_s is null while a run is running; series counts the run's per-series selections
-- (or, before those exist, the series its shards announced).
create or replace view mart.run_registry as
select
    r.run_id,
    r.kind,
    r.target_month,
    r.status,
    r.data_version,
    r.model_version,
    r.code_version,
    r.started_at,
    r.finished_at,
    extract(epoch from r.finished_at - r.started_at)::double precision as duration_s,
    coalesce(
        nullif(sel.series, 0),
        sh.series,
        case when jsonb_typeof(r.metrics -> 'series') = 'number' then (r.metrics ->> 'series')::integer end
    ) as series,
    exists (
        select 1 from forecast.plan_of_record as p where p.run_id = r.run_id
    ) as is_plan_of_record,
    case
        when jsonb_typeof(r.metrics -> 'wape') = 'number' then (r.metrics ->> 'wape')::double precision
        when jsonb_typeof(r.metrics #> '{backtest,wape}') = 'number'
            then (r.metrics #>> '{backtest,wape}')::double precision
    end as wape,
    case
        when jsonb_typeof(r.metrics -> 'bias') = 'number' then (r.metrics ->> 'bias')::double precision
        when jsonb_typeof(r.metrics #> '{backtest,bias}') = 'number'
            then (r.metrics #>> '{backtest,bias}')::double precision
    end as bias,
    ra.actual_wape,
    r.error,
    ra.actual_bias,
    ra.actual_coverage_80,
    ra.actual_coverage_95,
    sel.chosen_models,
    r.shard_count as shards,
    sh.shards_succeeded,
    r.host,
    r.started_by,
    r.config_sha256
from forecast.run as r
left join lateral (
    select
        sum(m.n)::integer as series,
        string_agg(m.model_name || ' ' || m.n, ', ' order by m.n desc, m.model_name) as chosen_models
    from (
        select coalesce(mv.model_name, s.model_version_id) as model_name, count(*) as n
        from forecast.selection as s
        left join forecast.model_version as mv on mv.model_version_id = s.model_version_id
        where s.run_id = r.run_id
        group by 1
    ) as m
) as sel on true
left join lateral (
    select
        sum(x.series_count)::integer as series,
        count(*) filter (where x.status = 'succeeded')::integer as shards_succeeded
    from forecast.run_shard as x
    where x.run_id = r.run_id
) as sh on true
left join mart.run_accuracy as ra on ra.run_id = r.run_id;
