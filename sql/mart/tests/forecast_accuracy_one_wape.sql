-- view: mart.forecast_accuracy
-- test: one_wape
-- WAPE has one definition (series-day absolute errors over the gross actual, the sum of
-- |series-day actual|): at series level mart.forecast_accuracy's WAPE of a month is
-- mart.plan_fact_monthly's total WAPE, which the report shows. Both read the same series-days
-- with actuals; a month that has a WAPE on one side and none on the other fails too.
select
    a.target_month,
    a.wape as accuracy_wape,
    m.wape as plan_fact_wape,
    a.gross_actual as accuracy_gross_actual,
    m.gross_actual as plan_fact_gross_actual
from mart.forecast_accuracy as a
join mart.plan_fact_monthly as m
    on m.target_month = a.target_month and m.level = 'total' and m.member = 'all'
where a.level = 'series'
  and (
      (a.wape is null) <> (m.wape is null)
      or abs(a.wape - m.wape) > 1e-9 * (1 + abs(m.wape))
      or a.gross_actual is distinct from m.gross_actual
  )
