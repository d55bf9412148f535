-- the reports of a period rendered from its plan of record whose actuals of that period are
-- unchanged since: no row of the period's days (target_month..core.period_end, a calendar
-- month or a fiscal period) was added, restated or closed by a data version after the
-- report's. Only the period's own days count: a later period landing changes nothing here,
-- even where it shares a calendar month with this one (a fiscal period); a restatement of the
-- period does (also one that restores earlier values: a new rendering, never a stale one).
-- grain: one row per report file (newest first within a format)
select
    r.format,
    r.path,
    r.sha256
from forecast.report as r
where r.target_month = %(month)s
  and r.plan_run_id = %(plan_run_id)s
  and not exists (
      select 1
      from core.actuals as a
      where a.sale_date >= r.target_month
        and a.sale_date <= core.period_end(r.target_month)
        and (a.valid_from_version > r.data_version or a.valid_to_version > r.data_version)
  )
order by r.format, r.created_at desc
