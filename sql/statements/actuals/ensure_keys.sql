-- stores, product groups and series of the given keys that the database lacks (a load that
-- accepts new ones); the counts leave out the group 'all' like actuals/ensure_series.
with keys as (
    select k.store_id, k.group_id from unnest(%(stores)s::text[], %(groups)s::text[]) as k (store_id, group_id)
),
new_stores as (
    insert into core.store (store_id)
    select distinct k.store_id from keys as k
    on conflict (store_id) do nothing
    returning 1
),
new_groups as (
    insert into core.product_group (group_id, group_name)
    select distinct k.group_id, k.group_id from keys as k
    on conflict (group_id) do nothing
    returning group_id
)
select
    (select count(*) from new_stores) as stores,
    (select count(*) from new_groups as g where g.group_id <> 'all') as groups
