-- whether any current actual of the month is loaded (live view, not the materialized mart):
-- tells "no actuals of the month" from "the mart is not refreshed yet".
-- grain: one row.
select exists (
    select 1
    from mart.plan_fact_series_day as s
    where s.target_month = %(month)s
      and s.actual is not null
) as found
