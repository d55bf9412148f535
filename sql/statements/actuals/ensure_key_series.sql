-- one core.series row per given key; runs after its stores and groups exist.
insert into core.series (store_id, group_id)
select k.store_id, k.group_id from unnest(%(stores)s::text[], %(groups)s::text[]) as k (store_id, group_id)
on conflict (store_id, group_id) do nothing
