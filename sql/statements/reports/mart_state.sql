-- how the materialized mart stands for one period against the live data a report of it reads:
-- the plan of record, the mart's total row of the period (its plan run, the data version it was
-- built from, whether it has actuals) and, live (mart.plan_fact_series_day is a plain view over
-- core), the newest data version and whether any actual of the period is loaded (as
-- reports/live_data_version and reports/live_actuals read them: the first row found suffices).
-- grain: one row.
select
    (select p.run_id from forecast.plan_of_record as p where p.target_month = %(month)s) as plan_run_id,
    m.run_id as mart_run_id,
    m.data_version as mart_data_version,
    coalesce(m.actual_days, 0) > 0 as mart_has_actuals,
    (
        select s.data_version
        from mart.plan_fact_series_day as s
        where s.target_month = %(month)s
        limit 1
    ) as live_data_version,
    exists (
        select 1
        from mart.plan_fact_series_day as s
        where s.target_month = %(month)s
          and s.actual is not null
    ) as live_has_actuals
from (select 1) as one
left join mart.plan_fact_monthly as m
    on m.target_month = %(month)s and m.level = 'total' and m.member = 'all'
