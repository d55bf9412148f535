-- waits for a shared transaction-level advisory lock (many shards of one month hold it together)
select pg_advisory_xact_lock_shared(%(key)s)
