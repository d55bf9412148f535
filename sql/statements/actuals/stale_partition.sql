-- whether a table of a new version's partition name is left over (core.actuals was truncated
-- and the version ids restarted; its rows went with the truncate, it is empty).
select to_regclass(%(name)s) is not null
