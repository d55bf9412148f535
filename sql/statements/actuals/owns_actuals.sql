-- whether the current role owns core.actuals (only an owner creates and attaches partitions;
-- other roles insert through the parent, into core.actuals_default).
select pg_has_role(c.relowner, 'USAGE') from pg_class as c where c.oid = 'core.actuals'::regclass
