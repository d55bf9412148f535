"""A migrated database holds exactly the views and functions of sql/, each as its file defines it.

Migrations run frozen copies (migrations/sql/); the application reads sql/. The definitions
PostgreSQL keeps after the migrations (pg_get_viewdef, pg_get_functiondef, the indexes of
materialized views, comments) must equal those it keeps after dropping every object and
creating it again from its sql/ file, in sql/objects.toml's order: a view edited in sql/
without a migration, or a migration that forgot to replace one, fails here.
"""

from __future__ import annotations

import psycopg

from planfact.db.objects import SCHEMAS, create_objects, drop_objects, live_objects, object_kind_and_name

# object -> what PostgreSQL keeps of it (its definition as PostgreSQL prints it back, normalised
# by the server, so spacing and comments of the files do not matter for views).
DEFINITIONS = """
select 'view ' || c.oid::regclass::text, pg_get_viewdef(c.oid, true)
from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
where c.relkind = 'v' and n.nspname = any(%(schemas)s)
union all
select 'materialized view ' || c.oid::regclass::text, pg_get_viewdef(c.oid, true)
from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
where c.relkind = 'm' and n.nspname = any(%(schemas)s)
union all
select 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid)
from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
where n.nspname = any(%(schemas)s)
union all
select 'index ' || i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
from pg_index as i join pg_class as c on c.oid = i.indrelid join pg_namespace as n on n.oid = c.relnamespace
where c.relkind = 'm' and n.nspname = any(%(schemas)s)
union all
select 'comment ' || c.oid::regclass::text, obj_description(c.oid, 'pg_class')
from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
where c.relkind in ('v', 'm') and n.nspname = any(%(schemas)s)
"""


def _definitions(conn: psycopg.Connection) -> dict[str, str | None]:
    rows = conn.execute(DEFINITIONS, {"schemas": list(SCHEMAS)}).fetchall()
    return {str(key): value for key, value in rows}


def _objects(definitions: dict[str, str | None]) -> set[str]:
    """'kind schema.name' of every view and function (functions without their arguments)."""
    kinds = ("view ", "materialized view ", "function ")
    return {key.split("(")[0] for key in definitions if key.startswith(kinds)}


def test_every_live_object_has_its_file_and_no_file_is_missing(conn: psycopg.Connection) -> None:
    in_files = {" ".join(object_kind_and_name(ref)) for ref in live_objects()}
    assert _objects(_definitions(conn)) == in_files


def test_migrated_objects_equal_their_sql_files(conn: psycopg.Connection) -> None:
    migrated = _definitions(conn)
    refs = live_objects()
    with conn.transaction(force_rollback=True):
        drop_objects(conn, refs)
        assert _objects(_definitions(conn)) == set(), "an object outside sql/objects.toml survived"
        create_objects(conn, refs)
        from_files = _definitions(conn)
    keys = migrated.keys() | from_files.keys()
    differ = sorted(key for key in keys if migrated.get(key) != from_files.get(key))
    assert not differ, f"the migrated database and sql/ disagree on {differ}"
