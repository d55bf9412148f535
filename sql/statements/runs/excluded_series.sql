-- the series a run left out, with why and their reader's name (runs show, the run summary)
-- grain: one row per excluded series, latest last actual first
select
    e.series_id,
    coalesce(l.label, sd.series_label) as label,
    e.reason,
    e.last_actual_date
from forecast.run_excluded_series as e
join mart.series_dim as sd on sd.series_id = e.series_id
left join mart.member_label as l on l.level = 'series' and l.member = e.series_id::text
where e.run_id = %(run_id)s
order by e.last_actual_date desc nulls last, e.series_id
