-- the warnings of a run's shards, in shard order (finalize gathers them on the run)
select shard_index, warnings
from forecast.run_shard
where run_id = %(run_id)s
order by shard_index
