-- finalize: lock the run row against concurrent shard commits and a second finalize
select status
from forecast.run
where run_id = %(run_id)s
for update
