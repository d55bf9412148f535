-- the run registry, newest first, optionally filtered by month, kind and status
-- grain: one row per run
select
    r.run_id,
    r.kind,
    r.target_month,
    r.status,
    r.data_version,
    r.shard_count,
    (r.metrics ->> 'series')::integer as series,
    (r.metrics ->> 'wape')::float8 as wape,
    (r.metrics ->> 'bias')::float8 as bias,
    extract(epoch from r.finished_at - r.started_at)::float8 as duration_s,
    (p.run_id is not null) as is_plan,
    r.started_at,
    r.code_version,
    r.error
from forecast.run as r
left join forecast.plan_of_record as p on p.run_id = r.run_id
where (%(month)s::date is null or r.target_month = %(month)s::date)
  and (%(kind)s::text is null or r.kind = %(kind)s::text)
  and (%(status)s::text is null or r.status = %(status)s::text)
order by r.run_id desc
limit %(limit)s
