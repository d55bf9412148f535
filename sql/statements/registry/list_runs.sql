-- the run registry as analysts see it (mart.run_registry), newest first, optionally filtered
-- grain: one row per run
select
    r.run_id,
    r.kind,
    r.target_month,
    r.status,
    r.data_version,
    r.shards as shard_count,
    r.series,
    r.wape,
    r.bias,
    r.duration_s,
    r.is_plan_of_record as is_plan,
    r.started_at,
    r.code_version,
    r.error
from mart.run_registry as r
where (%(month)s::date is null or r.target_month = %(month)s::date)
  and (%(kind)s::text is null or r.kind = %(kind)s::text)
  and (%(status)s::text is null or r.status = %(status)s::text)
order by r.run_id desc
limit %(limit)s
