-- whether no row in the period of a file loaded as version %(version_id)s has been restated
-- since (no current fact or plan row of those days was closed by a later version). Then the
-- file still equals the current data and loading it again changes nothing. Conservative: a
-- restatement of another series on those days counts too (the loader then diffs the file).
select not exists (
    select 1
    from core.actuals as a
    where a.valid_to_version > %(version_id)s
      and a.sale_date between %(period_start)s and %(period_end)s
) and not exists (
    select 1
    from core.planned_exogenous as p
    where p.valid_to_version > %(version_id)s
      and p.plan_date between %(period_start)s and %(period_end)s
) as still_current
