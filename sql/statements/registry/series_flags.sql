-- the flags of one run: series per flag and a few examples with their reason
select
    f.flag,
    count(distinct f.series_id)::integer as series,
    (array_agg(f.series_id::text || ': ' || f.reason order by f.series_id))[1:3] as examples
from forecast.series_flag as f
where f.run_id = %(run_id)s
group by f.flag
order by f.flag
