-- whether any current row lies between two days: a file whose period holds none only adds days
-- (the BRIN index on sale_date answers for a period past the data without reading it).
select exists (
    select 1 from core.actuals as a
    where a.sale_date between %(period_start)s and %(period_end)s and a.valid_to_version is null
)
