-- every materialized view of the mart schema (checked against planfact.mart's refresh order).
select m.schemaname || '.' || m.matviewname as view
from pg_matviews as m
where m.schemaname = 'mart'
order by 1
