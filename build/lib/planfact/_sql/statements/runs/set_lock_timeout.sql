-- how long the next lock wait in this transaction may take, e.g. '3600000ms' (transaction-local)
select set_config('lock_timeout', %(timeout)s, true)
