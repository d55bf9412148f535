-- the stores and product groups of the stage that the reference data lack, sorted.
-- grain: one row (two arrays, empty when all are known).
select
    coalesce(array_agg(distinct s.store_id order by s.store_id) filter (
        where not exists (select 1 from core.store as st where st.store_id = s.store_id)
    ), '{}') as stores,
    coalesce(array_agg(distinct s.group_id order by s.group_id) filter (
        where s.group_id <> 'all'
          and not exists (select 1 from core.product_group as g where g.group_id = s.group_id)
    ), '{}') as groups
from pg_temp.actuals_stage as s
where s.store_id is not null and s.group_id is not null
