-- new stores are added, known ones updated where the file says something (a Rossmann store
-- file does not erase a city a Favorita-style file gave, and vice versa).
insert into core.store as s (
    store_id, store_name, city, state, store_type, cluster, assortment, attributes
)
select st.store_id, st.store_name, st.city, st.state, st.store_type, st.cluster, st.assortment, st.attributes
from pg_temp.store_stage as st
on conflict (store_id) do update
set store_name = coalesce(excluded.store_name, s.store_name),
    city = coalesce(excluded.city, s.city),
    state = coalesce(excluded.state, s.state),
    store_type = coalesce(excluded.store_type, s.store_type),
    cluster = coalesce(excluded.cluster, s.cluster),
    assortment = coalesce(excluded.assortment, s.assortment),
    attributes = s.attributes || excluded.attributes,
    updated_at = now()
