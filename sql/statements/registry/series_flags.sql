-- the flags of one run: series per flag and a few examples, by their reader's name, with their reason
-- grain: one row per flag
select
    f.flag,
    count(distinct f.series_id)::integer as series,
    (array_agg(coalesce(l.label, sd.series_label, f.series_id::text) || ': ' || f.reason
               order by f.series_id))[1:3] as examples
from forecast.series_flag as f
left join mart.series_dim as sd on sd.series_id = f.series_id
left join mart.member_label as l on l.level = 'series' and l.member = f.series_id::text
where f.run_id = %(run_id)s
group by f.flag
order by f.flag
