-- settings for one load transaction: strict ISO dates for the casts of both paths, and memory
-- for the hash aggregates and index builds of a large first load.
set local datestyle = 'ISO, YMD';
set local work_mem = '128MB';
set local maintenance_work_mem = '512MB'
