-- the periods of the installation's calendar, given as parallel arrays (one element per period)
insert into core.calendar_period (period_id, label, period_start, period_end, weeks, fiscal_year, period_number)
select *
from unnest(
    %(period_ids)s::integer[],
    %(labels)s::text[],
    %(starts)s::date[],
    %(ends)s::date[],
    %(weeks)s::smallint[],
    %(years)s::integer[],
    %(numbers)s::smallint[]
)
on conflict (period_id) do nothing
