-- whether core.actuals has no rows yet (a first load takes the bulk path), and its size estimate.
select not exists (select 1 from core.actuals), greatest(c.reltuples, 0)::bigint
from pg_class as c
where c.oid = 'core.actuals'::regclass
