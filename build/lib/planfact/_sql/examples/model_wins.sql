-- Which model wins where: over the plans of record of the last 12 months, the share of
-- series of each store type whose chosen model is each model, with its mean selection score.
-- grain: one row per store type and model
select
    coalesce(sd.store_type, 'unknown') as store_type,
    mv.model_name,
    count(*) as series_months,
    round(100.0 * count(*) / sum(count(*)) over (partition by sd.store_type), 1) as pct_of_store_type,
    round(avg(s.score)::numeric, 4) as mean_score
from forecast.plan_of_record as p
join forecast.selection as s on s.run_id = p.run_id
join forecast.model_version as mv on mv.model_version_id = s.model_version_id
join mart.series_dim as sd on sd.series_id = s.series_id
where p.target_month > (select max(target_month) from forecast.plan_of_record) - interval '12 months'
group by sd.store_type, mv.model_name
order by store_type, series_months desc;
