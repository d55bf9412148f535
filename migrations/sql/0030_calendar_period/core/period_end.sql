-- core.period_end(p_day): the last day of the period of the installation's calendar that
-- holds p_day (core.calendar.period_start, core.calendar_period); the last day of p_day's
-- calendar month while no calendar is recorded (calendar months are the default).
-- grain: one date per call. stable: it reads the recorded calendar; security definer: the mart's
-- readers call it (through mart views) without access to core.
create or replace function core.period_end(p_day date)
returns date
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (
            select p.period_end
            from core.calendar as c
            join core.calendar_period as p on p.period_start = c.period_start
            where c.calendar_date = p_day
        ),
        (date_trunc('month', p_day) + interval '1 month' - interval '1 day')::date
    )
$$;
