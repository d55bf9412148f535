-- temp tables get no autovacuum statistics; without them the diff against the current rows
-- was planned as a nested loop (about 60 s for one 34k-row plan file over 167k planned rows).
analyze pg_temp.actuals_stage
