-- the reports of a month rendered from its plan of record whose actuals of that month are
-- unchanged since: the month's checksum as of the report's data version equals the newest one
-- (later months landing change nothing here; a restatement of the month does)
-- grain: one row per report file (newest first within a format)
select
    r.format,
    r.path,
    r.sha256
from forecast.report as r
where r.target_month = %(month)s
  and r.plan_run_id = %(plan_run_id)s
  and (
      select m.checksum
      from core.data_version_month as m
      where m.month = r.target_month
        and m.version_id <= r.data_version
      order by m.version_id desc
      limit 1
  ) is not distinct from (
      select m.checksum
      from core.data_version_month as m
      where m.month = r.target_month
      order by m.version_id desc
      limit 1
  )
order by r.format, r.created_at desc
