-- the run lease: a session-level shared advisory lock held by every process working on a run
-- (it outlives the transactions of the working connection and ends with its session)
select pg_advisory_lock_shared(%(key)s)
