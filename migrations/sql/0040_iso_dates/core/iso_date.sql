-- core.iso_date(text): the one rule for a date in a file, on the database side: the day of
-- exactly YYYY-MM-DD (the pattern of planfact.actuals.dates.ISO_DATE, kept equal by a test),
-- null for any other text ('today', '20150701', '2015-7-1', '2015-07-01 00:00:00', 'infinity',
-- a space at either end); an error (22008) for the form with no such day ('2015-02-30').
-- grain: one value. Never cast a file's date with ::date: PostgreSQL's date input is lenient.
-- Immutable (unlike ::date, which reads DateStyle); a plain sql function the planner inlines.
create or replace function core.iso_date(p_text text)
returns date
language sql
immutable
parallel safe
as $$
    select case
        when p_text ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then make_date(
                substr(p_text, 1, 4)::integer, substr(p_text, 6, 2)::integer, substr(p_text, 9, 2)::integer
            )
    end
$$;
