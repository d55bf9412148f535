-- plan loads: the periods (months, or periods of a fiscal calendar) of the staged days whose
-- actuals are loaded, i.e. the current data holds a row in them: a plan for them is refused.
-- grain: one row per such period, earliest first.
with periods as (
    select distinct coalesce(c.period_start, date_trunc('month', st.sale_date)::date) as period_start
    from pg_temp.actuals_stage as st
    left join core.calendar as c on c.calendar_date = st.sale_date
)
select p.period_start, core.period_end(p.period_start) as period_end
from periods as p
where exists (
    select 1 from core.actuals as a
    where a.sale_date between p.period_start and core.period_end(p.period_start)
      and a.valid_to_version is null
)
order by p.period_start
