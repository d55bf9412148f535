-- whether any loaded data version holds actuals of a calendar month
-- grain: one row (true or false)
select exists (
    select 1
    from core.data_version_month as dvm
    where dvm.month = %(month)s
      and dvm.row_count > 0
) as has_actuals
