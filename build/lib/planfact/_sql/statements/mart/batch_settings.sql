-- settings for the mart's batch work (refresh, data tests), for this transaction only:
-- the aggregates are estimated far above their real size, and JIT compilation then costs
-- seconds while the queries themselves take a fraction of that; hashes fit in memory.
set local jit = off;
set local work_mem = '256MB'
