-- a shard about to commit its rows: the run must still be running; finalize waits for it
select status
from forecast.run
where run_id = %(run_id)s
for share
