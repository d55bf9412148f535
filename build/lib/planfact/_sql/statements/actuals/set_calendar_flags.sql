-- national flags of core.calendar from core.holiday: a day off is a national Holiday,
-- Transfer, Additional or Bridge row that was not itself transferred away; an Event is an
-- event; Work Day rows stay working days. Only days whose flags change are written.
with national as (
    select
        h.holiday_date,
        bool_or(h.kind in ('Holiday', 'Transfer', 'Additional', 'Bridge') and not h.transferred)
            as is_holiday,
        bool_or(h.kind = 'Event') as is_event,
        string_agg(h.description, '; ' order by h.description) filter (where not h.transferred)
            as holiday_name
    from core.holiday as h
    where h.scope = 'national'
    group by h.holiday_date
),
wanted as (
    select
        c.calendar_date,
        coalesce(n.is_holiday, false) as is_holiday,
        coalesce(n.is_event, false) as is_event,
        n.holiday_name
    from core.calendar as c
    left join national as n on n.holiday_date = c.calendar_date
)
update core.calendar as c
set is_holiday = w.is_holiday,
    is_event = w.is_event,
    holiday_name = w.holiday_name
from wanted as w
where w.calendar_date = c.calendar_date
  and (c.is_holiday, c.is_event, c.holiday_name) is distinct from (w.is_holiday, w.is_event, w.holiday_name)
