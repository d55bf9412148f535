-- models chosen in a run with the experiment label from the run's config, most chosen first
-- grain: one row per model version chosen at least once
select
    coalesce(lbl.label, mv.model_name) as label,
    mv.model_name,
    s.model_version_id,
    count(*) as series,
    avg(s.score) as mean_score
from forecast.selection as s
join forecast.run as r on r.run_id = s.run_id
join forecast.model_version as mv on mv.model_version_id = s.model_version_id
left join lateral (
    select c ->> 'label' as label
    from jsonb_array_elements(r.config -> 'candidates') as c
    where c ->> 'model' = mv.model_name
      and c -> 'params' = mv.params
    limit 1
) as lbl on true
where s.run_id = %(run_id)s
group by lbl.label, mv.model_name, s.model_version_id
order by count(*) desc, label
