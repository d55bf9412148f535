-- the typed staging table of one load. grain: one row per data record of the file.
-- line_no is filled only on the diagnosis path (the fast path does not number lines).
-- No constraint but the date's: bad values are found by core.actuals_row_problem, not by COPY.
-- The date arrives as the file's text (sale_day) and sale_date is read from it at fixed
-- positions, never by PostgreSQL's lenient date input ('today', '20150701', '2015-7-1', ...);
-- the check then asks that the text be that day written back (DateStyle ISO: the loader's
-- session_settings), which is the file rule core.iso_date row by row at the cost of a date's
-- output (the rule's regex per row would cost the COPY about two seconds per million rows).
-- Text of another form fails the COPY either way, and the diagnosis names it (core.iso_date).
-- Sales, customers and day_of_week arrive as text too (*_text) and are cast by generated
-- columns, checked by the number rule (actuals_stage_numbers below).
-- (a caller's open transaction keeps the previous load's temp tables: start clean)
drop table if exists pg_temp.actuals_stage;
drop table if exists pg_temp.load_series;
create temp table actuals_stage (
    line_no bigint,
    store_id text,
    group_id text default 'all',
    sale_day text,
    sale_date date generated always as (
        make_date(substr(sale_day, 1, 4)::integer, substr(sale_day, 6, 2)::integer, substr(sale_day, 9, 2)::integer)
    ) stored,
    sales_text text,
    sales numeric(18, 4) generated always as (sales_text::numeric(18, 4)) stored,
    customers_text text,
    customers integer generated always as (customers_text::integer) stored,
    promo text,
    is_open boolean,
    state_holiday text,
    school_holiday boolean,
    day_of_week_text text,
    day_of_week smallint generated always as (day_of_week_text::smallint) stored,
    ignored_1 text,
    ignored_2 text,
    ignored_3 text,
    ignored_4 text,
    constraint actuals_stage_iso_date check (sale_day = sale_date::text),
    -- numbers by the file rule (core.is_decimal, core.is_integer), not by PostgreSQL's lenient
    -- input (0x10, 1_000, ' 10', +5, .5): the text is the number written back (numeric keeps
    -- the scale it was typed with), the cheap test that passes nearly every value, else the
    -- rule's pattern (007, 1e3, -0). ('NaN' passes: the row rule words it as not finite.)
    constraint actuals_stage_numbers check (
        (sales_text = sales_text::numeric::text or core.is_decimal(sales_text))
        and (customers_text = customers::text or core.is_integer(customers_text))
        and (day_of_week_text = day_of_week::text or core.is_integer(day_of_week_text))
    )
) on commit drop
