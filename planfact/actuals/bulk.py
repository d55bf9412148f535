"""Bulk insert into an empty fact table: drop its indexes and keys, insert, build them again.

Building a btree from sorted data costs a fraction of inserting a million entries one by one,
and one foreign-key validation join costs a fraction of a million per-row foreign-key
triggers. So a first load (the full history) drops ``core.actuals``' btree keys and indexes
and its foreign keys inside its transaction and creates them again from the definitions read
from the catalog just before (BRIN and non-unique partial indexes stay: see
``sql/statements/actuals/table_indexes.sql``); statistics are gathered before the foreign keys
so their validation queries plan with the real table. Nothing drifts, a failure rolls the drop
back, and a unique violation during the rebuild (a key twice in the file) aborts the load like
any other. Needs the table's owner; other roles (planfact_etl) insert with the indexes in
place, which is correct, only slower.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from planfact.db.queries import execute, fetch_all, statement
from planfact.stopwatch import lap

__all__ = ["REBUILD_MIN_ROWS", "insert_rebuilding_indexes", "write_rebuilding_indexes", "owns_actuals"]

log = logging.getLogger(__name__)

# Below this many rows keeping the indexes is cheaper than rebuilding them.
REBUILD_MIN_ROWS = 200_000


def owns_actuals(conn: psycopg.Connection) -> bool:
    """Whether the current role owns core.actuals (may drop and rebuild its keys, truncate it)."""
    objects = fetch_all(conn, "actuals/table_indexes", {"table_name": "core.actuals"})
    return bool(objects) and all(row[4] for row in objects)


def insert_rebuilding_indexes(conn: psycopg.Connection, name: str, params: dict[str, Any], rows: int) -> int:
    """Run the named insert into an empty core.actuals, rebuilding its indexes when worthwhile.

    Returns the number of rows inserted.
    """
    return write_rebuilding_indexes(conn, rows, lambda: execute(conn, name, params).rowcount)


def write_rebuilding_indexes(conn: psycopg.Connection, rows: int, write: Callable[[], int]) -> int:
    """Run ``write`` (it fills the empty core.actuals and returns its row count) with the table's
    keys and btree indexes dropped before and rebuilt after, when worthwhile."""
    objects = fetch_all(conn, "actuals/table_indexes", {"table_name": "core.actuals"})
    rebuild = rows >= REBUILD_MIN_ROWS and bool(objects) and all(row[4] for row in objects)
    if not rebuild:
        return write()
    for kind, schema, object_name, _definition, _owned in reversed(objects):
        if kind == "index":
            drop = sql.SQL(statement("actuals/drop_index")).format(name=sql.Identifier(schema, object_name))
        else:
            drop = sql.SQL(statement("actuals/drop_constraint")).format(name=sql.Identifier(object_name))
        conn.execute(drop)
    lap("drop keys and indexes")
    inserted = write()
    analyzed = False
    for kind, _schema, object_name, definition, _owned in objects:
        if kind == "foreign key" and not analyzed:
            # Statistics before the keys: each key's validation query then plans with the real
            # table (valid_to_version is all null: the partial index answers without a scan).
            execute(conn, "actuals/analyze")
            lap("analyze")
            analyzed = True
        # Definitions come from the catalog (pg_get_constraintdef / pg_get_indexdef), not from input.
        if kind == "index":
            conn.execute(sql.SQL(definition))
        else:
            add = sql.SQL(statement("actuals/add_constraint")).format(
                name=sql.Identifier(object_name), definition=sql.SQL(definition)
            )
            conn.execute(add)
        lap(f"{kind} {object_name}")
    if not analyzed:
        execute(conn, "actuals/analyze")
        lap("analyze")
    log.info("rebuilt indexes and keys after bulk insert", extra={"rows": rows, "objects": len(objects)})
    return inserted
