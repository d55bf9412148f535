-- the newest report file of every month and format
-- grain: one row per target_month and format
select distinct on (r.target_month, r.format)
    r.target_month,
    r.format,
    r.path,
    r.plan_run_id,
    r.data_version
from forecast.report as r
order by r.target_month, r.format, r.created_at desc
