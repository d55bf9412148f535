-- diagnosis: the records whose values all cast go to the typed stage, numbered by line
-- (sale_date is computed from the text, which passed core.iso_date in diagnose_parse; the numbers
-- likewise by the stage's generated columns, from text that passed core.is_decimal/is_integer).
insert into pg_temp.actuals_stage (
    line_no, store_id, group_id, sale_day, sales_text, customers_text, promo, is_open,
    state_holiday, school_holiday, day_of_week_text
)
select
    t.line_no, t.store_id, t.group_id, t.sale_date, t.sales,
    t.customers, t.promo, t.is_open::boolean, t.state_holiday,
    t.school_holiday::boolean, t.day_of_week
from pg_temp.actuals_stage_text as t
where not exists (select 1 from pg_temp.load_problem as p where p.line_no = t.line_no)
