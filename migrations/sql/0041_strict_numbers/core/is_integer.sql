-- core.is_integer(text): an integer in a file: an optional minus and digits (the pattern of
-- planfact.actuals.numbers.INTEGER, kept equal by a test); PostgreSQL 16's integer input also
-- takes 0x10, 1_000, a space at either end and +5. grain: one value. Inlined by the planner.
create or replace function core.is_integer(p_text text)
returns boolean
language sql
immutable
parallel safe
as $$
    select p_text ~ '^-?[0-9]+$'
$$;
