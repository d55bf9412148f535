-- the mart's series-level accuracy of a month's plan of record (for reference beside the bench's)
-- grain: one row
select wape, members
from mart.forecast_accuracy
where target_month = %(month)s
  and level = 'series'
