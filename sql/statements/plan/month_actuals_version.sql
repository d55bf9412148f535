-- the first data version that loaded actuals of a month (a period of the installation's calendar) (null: the month is still open)
-- once it is not null the month's plan is frozen
select min(valid_from_version) as version_id
from core.actuals
where sale_date >= %(month)s
  and sale_date <= core.period_end(%(month)s::date)
