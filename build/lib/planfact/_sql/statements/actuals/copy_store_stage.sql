copy pg_temp.store_stage (
    store_id, store_name, city, state, store_type, cluster, assortment, attributes
) from stdin
