-- whether a report row already names this path (registered paths are never written again)
-- grain: one row (true or false)
select exists (
    select 1
    from forecast.report as r
    where r.path = %(path)s
) as registered
