-- first refresh of a materialized view created or left "with no data" (concurrently refuses it).
refresh materialized view {view}
