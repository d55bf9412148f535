-- the recorded periods between two days (both included)
-- grain: one row per period, oldest first
select period_id, label, period_start, period_end, weeks, fiscal_year, period_number
from core.calendar_period
where period_end >= %(first_day)s and period_start <= %(last_day)s
order by period_start
