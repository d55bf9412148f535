-- core.actuals_row_problem(...): why one staged row cannot be loaded, or null when it can.
-- grain: one call per staged row. Returns '<logical column>:<reason>'; the loader maps the
-- logical column back to the file's header. A plain sql function so the planner inlines it:
-- the fast path (aggregate over the whole stage) and the diagnosis (per line) share one rule set.
-- v2: sales must be finite (numeric takes 'NaN'); negative sales only where the feed declares
-- returns (p_allow_negative); dates within the calendar (2000..2040) and, for actuals
-- (p_today not null), not in the future; the holiday flag in its declared domain (p_state_holiday_codes
-- null: a boolean, see core.holiday_value).
create or replace function core.actuals_row_problem(
    p_store_id text,
    p_group_id text,
    p_sale_date date,
    p_sales numeric,
    p_customers integer,
    p_promo text,
    p_day_of_week smallint,
    p_state_holiday text,
    p_today date,
    p_need_sales boolean,
    p_state_holiday_codes text[],
    p_allow_negative boolean
)
returns text
language sql
stable
as $$
    select case
        -- (a blank key starts with a space: the cheap prefix test spares btrim on every row)
        when p_store_id is null or p_store_id = '' or p_store_id like ' %' and btrim(p_store_id) = ''
            then 'store_id:empty key column'
        when p_group_id is null or p_group_id = '' or p_group_id like ' %' and btrim(p_group_id) = ''
            then 'group_id:empty key column'
        when p_sale_date is null then 'sale_date:empty key column'
        when p_sale_date > p_today
            then 'sale_date:date ' || p_sale_date || ' is in the future (today is ' || p_today || ')'
        when p_sale_date < date '2000-01-01'
            then 'sale_date:date ' || p_sale_date || ' is before the calendar (2000-01-01)'
        when p_sale_date > date '2040-12-31'
            then 'sale_date:date ' || p_sale_date || ' is after the calendar (2040-12-31)'
        when p_need_sales and p_sales is null then 'sales:empty value'
        when p_sales = 'NaN' then 'sales:not a finite number: NaN'
        when p_sales < 0 and not p_allow_negative
            then 'sales:negative sales ' || p_sales || ' (the layout declares no returns)'
        when p_customers < 0 then 'customers:negative customers ' || p_customers
        when p_promo is not null and core.promo_value(p_promo) is null
            then 'promo:not a count or a boolean: ' || quote_literal(p_promo)
        -- ISO weekday by integer arithmetic (1900-01-01 was a Monday); extract() returns numeric
        when p_day_of_week is not null and p_day_of_week <> (p_sale_date - date '1900-01-01') % 7 + 1
            then 'day_of_week:day of week ' || p_day_of_week || ' does not match ' || p_sale_date
                || ' (' || extract(isodow from p_sale_date) || ')'
        -- (codes: the plain membership test of v1, the cost of every Rossmann row; a boolean
        -- column: its words, see core.flag_value)
        when p_state_holiday is not null and case
                when p_state_holiday_codes is null
                    then core.flag_value(p_state_holiday) is null and btrim(p_state_holiday) <> ''
                else not (p_state_holiday = any (p_state_holiday_codes))
            end
            then 'state_holiday:' || case
                when p_state_holiday_codes is null
                    then 'not a boolean: ' || quote_literal(p_state_holiday)
                        || ' (the holiday flag is declared boolean)'
                else 'unknown code ' || quote_literal(p_state_holiday)
                    || ' (declared: ' || array_to_string(p_state_holiday_codes, ', ') || ')'
            end
    end
$$;
