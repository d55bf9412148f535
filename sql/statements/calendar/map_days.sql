-- map every day of core.calendar to the first day of its period of the recorded calendar
update core.calendar as c
set period_start = p.period_start
from core.calendar_period as p
where c.calendar_date between p.period_start and p.period_end
  and c.period_start is distinct from p.period_start
