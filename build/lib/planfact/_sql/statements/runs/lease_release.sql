-- gives back the run lease of this session
select pg_advisory_unlock_shared(%(key)s)
