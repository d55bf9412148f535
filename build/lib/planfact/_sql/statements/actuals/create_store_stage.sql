-- one row per store of the file. grain: store_id.
-- (a caller's open transaction keeps the previous load's temp tables: start clean)
drop table if exists pg_temp.store_stage;
create temp table store_stage (
    store_id text not null,
    store_name text,
    city text,
    state text,
    store_type text,
    cluster text,
    assortment text,
    attributes jsonb not null
) on commit drop
