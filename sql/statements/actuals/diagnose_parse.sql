-- diagnosis: values that do not cast to their staging type. grain: one row per bad value.
-- The regular expressions accept what surely casts, so the exception-catching check
-- (core.is_valid_input, a subtransaction per call) runs only for the unusual values.
insert into pg_temp.load_problem (line_no, column_name, reason, raw_line)
select t.line_no, v.column_name, v.label || ' ' || quote_literal(v.value), t.raw_line
from pg_temp.actuals_stage_text as t
cross join lateral (
    values
        ('sale_date', t.sale_date, 'date', '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])$', 'unparsable date'),
        ('sales', t.sales, 'numeric', '^-?\d{1,14}(\.\d{0,12})?$', 'unparsable number'),
        ('customers', t.customers, 'integer', '^-?\d{1,9}$', 'unparsable integer'),
        ('is_open', t.is_open, 'boolean', '^(0|1|t|f|true|false)$', 'not a boolean (0/1, true/false, t/f, yes/no)'),
        ('school_holiday', t.school_holiday, 'boolean', '^(0|1|t|f|true|false)$', 'not a boolean (0/1, true/false, t/f, yes/no)'),
        ('day_of_week', t.day_of_week, 'smallint', '^\d{1,4}$', 'unparsable integer')
) as v (column_name, value, type_name, surely_valid, label)
where v.value is not null
  and v.value !~* v.surely_valid
  and not core.is_valid_input(v.value, v.type_name)
