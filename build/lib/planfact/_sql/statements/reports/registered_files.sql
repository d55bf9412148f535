-- every registered report file with its recorded sha256 (of one month, or all), oldest first
-- grain: one row per report file
select
    r.report_id,
    r.target_month,
    r.format,
    r.path,
    r.sha256
from forecast.report as r
where (%(month)s::date is null or r.target_month = %(month)s::date)
order by r.report_id
