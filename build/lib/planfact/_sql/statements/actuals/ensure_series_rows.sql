-- one core.series row per (store, group) of the file; runs after the stores and groups exist.
insert into core.series (store_id, group_id)
select s.store_id, s.group_id from pg_temp.load_series as s
on conflict (store_id, group_id) do nothing
