-- waits for a transaction-level advisory lock; released at commit or rollback
select pg_advisory_xact_lock(%(key)s)
