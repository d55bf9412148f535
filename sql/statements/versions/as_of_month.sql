-- the data version as of a month's close (a month: a period of the installation's calendar,
-- core.period_end), given %(first)s, the first version that holds the month
-- (versions/first_of_month): the newest version before the first one that holds actuals after
-- the month (so it includes the load that closed the month, restatements of it and the next
-- month's planned flags that arrived before the next month's actuals); when the month arrived
-- together with later months, the first version that holds the month.
-- grain: one row
with first_after as (
    select min(a.valid_from_version) as version_id
    from core.actuals as a
    where a.sale_date > core.period_end(%(month)s::date)
)
select
    case
        when n.version_id is null then (select max(dv.version_id) from core.data_version as dv)
        when n.version_id <= %(first)s::integer then %(first)s::integer
        else (select max(dv.version_id) from core.data_version as dv where dv.version_id < n.version_id)
    end as version_id
from first_after as n
