-- mart.series_dim: every forecast series with its store and product-group attributes.
-- grain: one row per series_id.
-- The members of every aggregation level come from here, so a missing attribute is
-- 'unknown' everywhere (a level is never skipped and a member is never null).
create or replace view mart.series_dim as
select
    s.series_id,
    s.store_id,
    s.group_id,
    coalesce(st.store_name, st.store_id) as store_name,
    coalesce(nullif(st.city, ''), 'unknown') as city,
    coalesce(nullif(st.state, ''), 'unknown') as state,
    coalesce(nullif(st.store_type, ''), 'unknown') as store_type,
    coalesce(nullif(st.assortment, ''), 'unknown') as assortment,
    coalesce(nullif(st.cluster, ''), 'unknown') as cluster,
    coalesce(g.group_name, g.group_id) as group_name,
    coalesce(nullif(g.category, ''), 'unknown') as category,
    s.store_id || ' / ' || s.group_id as series_label
from core.series as s
join core.store as st on st.store_id = s.store_id
join core.product_group as g on g.group_id = s.group_id;
