-- whether any loaded data version holds actuals of a month: a period of the installation's
-- calendar, from its first day to core.period_end (a fiscal period spans two calendar months,
-- so the per-month counts of core.data_version_month cannot tell)
-- grain: one row (true or false)
select exists (
    select 1
    from core.actuals as a
    where a.sale_date between %(month)s and core.period_end(%(month)s::date)
) as has_actuals
