-- a first load: the empty core.actuals truncated in the load's transaction, so its COPY may
-- FREEZE (the table is locked until the commit, like the index rebuild of a first load).
truncate core.actuals
