-- how far one demo step got: the plan of record of the month it forecasts, the reports of the
-- month it closes
-- grain: one row
select
    (
        select p.run_id
        from forecast.plan_of_record as p
        where p.target_month = %(forecast_month)s
    ) as plan_run_id,
    (
        select count(*)
        from forecast.report as r
        where r.target_month = %(closed_month)s
    ) as reports
