-- takes a transaction-level advisory lock if free; true when taken
select pg_try_advisory_xact_lock(%(key)s)
