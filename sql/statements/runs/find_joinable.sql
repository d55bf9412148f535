-- the running sharded run that shards with the same inputs share (deterministic: the newest)
-- grain: at most one run
select run_id
from forecast.run
where target_month = %(month)s
  and data_version = %(data_version)s
  and config_sha256 = %(config_sha256)s
  and kind = %(kind)s
  and shard_count = %(shard_count)s
  and status = 'running'
  and (params ->> 'discontinued_days') is not distinct from %(discontinued_days)s::text
order by run_id desc
limit 1
