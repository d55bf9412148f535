-- diagnosis: values that do not cast to their staging type. grain: one row per bad value.
-- The regular expressions accept what surely casts, so the exception-catching check
-- (core.is_valid_input, a subtransaction per call) runs only for the unusual values.
-- A date is read by the file rule (core.iso_date: exactly YYYY-MM-DD), a number by core.is_decimal
-- and an integer by core.is_integer (through core.is_valid_input); a number in that form
-- that does not fit its column is worded "out of range" with the column's limit. A sales value
-- is surely valid only with at most 4 decimals: numeric(18, 4) rounds the others, and
-- 99999999999999.99999 rounds to 10^14, which does not fit (the check is on the value as stored).
insert into pg_temp.load_problem (line_no, column_name, reason, raw_line)
select
    t.line_no,
    v.column_name,
    case
        when v.value ~* '^\s*[+-]?(inf(inity)?|nan)\s*$' and v.type_name = 'numeric'
            then 'not a finite number: ' || quote_literal(v.value)
        when v.out_of_range is not null
            and v.value ~ (case when v.type_name = 'numeric' then '.' else '^\s*[+-]?[0-9]+\s*$' end)
            and core.is_valid_input(v.value, 'number')
            then 'number out of range ' || quote_literal(v.value) || ' (' || v.out_of_range || ')'
        else v.label || ' ' || quote_literal(v.value) || coalesce(' (' || v.hint || ')', '')
    end,
    t.raw_line
from pg_temp.actuals_stage_text as t
cross join lateral (
    values
        ('sale_date', t.sale_date, 'date', '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$',
         'unparsable date', 'expected YYYY-MM-DD', null),
        ('sales', t.sales, 'numeric', '^-?[0-9]{1,14}(\.[0-9]{1,4})?$', 'unparsable number',
         'a plain decimal such as -1234.5 or 1.5e3',
         'the limit is 99999999999999.9999: at most 14 digits before the point'),
        ('customers', t.customers, 'integer', '^-?[0-9]{1,9}$', 'unparsable integer', 'digits only',
         'the limit is 2147483647'),
        ('is_open', t.is_open, 'boolean', '^(0|1|t|f|true|false)$', 'not a boolean (0/1, true/false, t/f, yes/no)',
         null, null),
        ('school_holiday', t.school_holiday, 'boolean', '^(0|1|t|f|true|false)$',
         'not a boolean (0/1, true/false, t/f, yes/no)', null, null),
        ('day_of_week', t.day_of_week, 'smallint', '^[0-9]{1,4}$', 'unparsable integer', 'digits only',
         'the limit is 32767')
) as v (column_name, value, type_name, surely_valid, label, hint, out_of_range)
where v.value is not null
  and v.value !~* v.surely_valid
  and not core.is_valid_input(v.value, v.type_name)
