-- accuracy of the plans of record at the total level, months up to the report month.
-- grain: one row per target_month.
select
    a.target_month,
    a.run_id,
    a.wape,
    a.bias,
    a.mape,
    a.coverage_80,
    a.coverage_95
from mart.forecast_accuracy as a
where a.level = 'total'
  and a.target_month between %(first_month)s and %(month)s
  and a.actual is not null
order by a.target_month
