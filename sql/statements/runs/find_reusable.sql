-- a succeeded run with the same month, data version, config, kind and discontinued-series
-- setting (the plan of record first)
-- grain: at most one run
select r.run_id
from forecast.run as r
left join forecast.plan_of_record as p on p.run_id = r.run_id
where r.target_month = %(month)s
  and r.data_version = %(data_version)s
  and r.config_sha256 = %(config_sha256)s
  and r.kind = %(kind)s
  and r.status = 'succeeded'
  and (r.params ->> 'discontinued_days') is not distinct from %(discontinued_days)s::text
order by (p.run_id is not null) desc, r.run_id desc
limit 1
