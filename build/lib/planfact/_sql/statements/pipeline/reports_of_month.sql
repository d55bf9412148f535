-- the reports already rendered for a month from one plan and one data version
-- grain: one row per report file (newest first within a format)
select
    r.format,
    r.path,
    r.sha256
from forecast.report as r
where r.target_month = %(month)s
  and r.plan_run_id = %(plan_run_id)s
  and r.data_version = %(data_version)s
order by r.format, r.created_at desc
