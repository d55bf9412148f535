-- stores, product groups and series the file mentions but the database does not know yet
-- (the loader refused unknown ones unless the load accepts new ones); `planfact load stores`
-- fills in the stores' attributes later (or before). The counts leave out the group 'all' of
-- feeds without groups (created with their first load, never news).
with new_stores as (
    insert into core.store (store_id)
    select distinct s.store_id from pg_temp.load_series as s
    on conflict (store_id) do nothing
    returning 1
),
new_groups as (
    insert into core.product_group (group_id, group_name)
    select distinct s.group_id, s.group_id from pg_temp.load_series as s
    on conflict (group_id) do nothing
    returning group_id
)
select
    (select count(*) from new_stores) as stores,
    (select count(*) from new_groups as g where g.group_id <> 'all') as groups
