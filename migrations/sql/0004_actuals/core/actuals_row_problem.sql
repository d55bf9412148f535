-- core.actuals_row_problem(...): why one staged row cannot be loaded, or null when it can.
-- grain: one call per staged row. Returns '<logical column>:<reason>'; the loader maps the
-- logical column back to the file's header. A plain sql function so the planner inlines it:
-- the fast path (aggregate over the whole stage) and the diagnosis (per line) share one rule set.
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
    p_state_holiday_codes text[]
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
        when p_need_sales and p_sales is null then 'sales:empty value'
        when p_sales < 0 then 'sales:negative sales ' || p_sales
        when p_customers < 0 then 'customers:negative customers ' || p_customers
        when p_promo is not null and core.promo_value(p_promo) is null
            then 'promo:not a count or true/false: ' || quote_literal(p_promo)
        -- ISO weekday by integer arithmetic (1900-01-01 was a Monday); extract() returns numeric
        when p_day_of_week is not null and p_day_of_week <> (p_sale_date - date '1900-01-01') % 7 + 1
            then 'day_of_week:day of week ' || p_day_of_week || ' does not match ' || p_sale_date
                || ' (' || extract(isodow from p_sale_date) || ')'
        when p_state_holiday is not null and p_state_holiday_codes is not null
             and not (p_state_holiday = any (p_state_holiday_codes))
            then 'state_holiday:unknown code ' || quote_literal(p_state_holiday)
    end
$$;
