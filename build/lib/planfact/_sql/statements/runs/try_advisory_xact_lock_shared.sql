-- takes a shared transaction-level advisory lock if no exclusive holder; true when taken
select pg_try_advisory_xact_lock_shared(%(key)s)
