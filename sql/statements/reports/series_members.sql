-- the member of every aggregation level of the given series (to sum series-days up the levels).
-- grain: one row per series and level.
select l.series_id::text as series, l.level, l.member
from mart.series_level as l
where l.series_id = any(%(series_ids)s)
