-- the first data version that holds actuals of a month (a period of the installation's
-- calendar, from its first day to core.period_end; a fiscal period spans two calendar months,
-- so the per-month rows of core.data_version_month cannot tell)
-- null: no loaded version holds the month yet (it is still open); once it is not null the
-- month's plan is frozen
-- grain: one row
select min(a.valid_from_version) as version_id
from core.actuals as a
where a.sale_date >= %(month)s
  and a.sale_date <= core.period_end(%(month)s::date)
