-- the indexes and key constraints of a table that a bulk insert should drop and rebuild, with
-- the definitions to create them again, in creation order (keys, plain indexes, foreign keys),
-- and whether the current role owns the table (only an owner may drop and rebuild them).
-- Left in place: BRIN indexes (an insert into a range not yet summarized costs next to nothing;
-- VACUUM, which autovacuum runs after a large insert, summarizes the new ranges, and until then
-- a read simply scans them) and non-unique partial indexes (they receive only the rows matching
-- their predicate: on core.actuals only restated rows, none in a first load). Rebuilding either
-- would cost a full scan of the table for nothing.
select
    x.kind,
    x.schema_name,
    x.object_name,
    x.definition,
    pg_has_role(t.relowner, 'USAGE') as owned
from (
    select
        case c.contype when 'f' then 3 else 1 end as step,
        case c.contype when 'f' then 'foreign key' else 'constraint' end as kind,
        null::name as schema_name,
        c.conname as object_name,
        pg_get_constraintdef(c.oid) as definition
    from pg_constraint as c
    where c.conrelid = %(table_name)s::regclass and c.contype in ('p', 'u', 'f')
    union all
    select 2, 'index', n.nspname, ic.relname, pg_get_indexdef(i.indexrelid)
    from pg_index as i
    join pg_class as ic on ic.oid = i.indexrelid
    join pg_namespace as n on n.oid = ic.relnamespace
    join pg_am as am on am.oid = ic.relam
    where i.indrelid = %(table_name)s::regclass
      and am.amname <> 'brin'
      and (i.indpred is null or i.indisunique)
      and not exists (select 1 from pg_constraint as c where c.conindid = i.indexrelid and c.conrelid = i.indrelid)
) as x
join pg_class as t on t.oid = %(table_name)s::regclass
order by x.step, x.object_name
