-- core.is_decimal(text): the one rule for a number in a file, on the database side: an
-- optional minus, digits, optionally a point and digits, optionally an exponent (the pattern
-- of planfact.actuals.numbers.DECIMAL, kept equal by a test). PostgreSQL 16's numeric input
-- also takes 0x10, 0b11, 0o17, 1_000, a space at either end, +5, .5 and 5.: never cast a
-- file's number without this rule. grain: one value. A plain sql function the planner inlines.
create or replace function core.is_decimal(p_text text)
returns boolean
language sql
immutable
parallel safe
as $$
    select p_text ~ '^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$'
$$;
