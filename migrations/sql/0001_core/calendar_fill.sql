-- fills core.calendar with every day between two dates; holiday flags start false
-- and are set by `planfact load holidays`. Safe to re-run.
insert into core.calendar (calendar_date, year, month, day, day_of_week, iso_week, is_weekend)
select
    d::date,
    extract(year from d)::smallint,
    extract(month from d)::smallint,
    extract(day from d)::smallint,
    extract(isodow from d)::smallint,
    extract(week from d)::smallint,
    extract(isodow from d) in (6, 7)
from generate_series(%(first_day)s::date, %(last_day)s::date, interval '1 day') as d
on conflict (calendar_date) do nothing
