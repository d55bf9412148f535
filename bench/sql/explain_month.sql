-- bench/mart.py only: the plan-fact rows of one month at every level, as a report reads them.
explain (analyze, buffers, format json)
select *
from mart.plan_fact_monthly
where target_month = %(month)s
