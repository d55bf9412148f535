-- the series ids of (store, group) keys, and whether each store and group is known.
-- grain: one row per given key.
select
    k.store_id,
    k.group_id,
    s.series_id,
    exists (select 1 from core.store as st where st.store_id = k.store_id) as store_known,
    k.group_id = 'all' or exists (select 1 from core.product_group as g where g.group_id = k.group_id)
        as group_known
from unnest(%(stores)s::text[], %(groups)s::text[]) as k (store_id, group_id)
left join core.series as s on s.store_id = k.store_id and s.group_id = k.group_id
