-- whether a materialized view holds data; null when it does not exist.
select m.ispopulated
from pg_matviews as m
where m.schemaname = %(schema)s
  and m.matviewname = %(name)s
