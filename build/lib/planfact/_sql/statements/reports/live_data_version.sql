-- the data version the current actuals are (live, to tell whether the materialized mart is stale).
-- grain: at most one row.
select s.data_version
from mart.plan_fact_series_day as s
where s.target_month = %(month)s
limit 1
