-- the comment on the current database ('planfact demo' when the demo made its content)
-- grain: one row
select shobj_description(d.oid, 'pg_database') as note
from pg_database as d
where d.datname = current_database()
