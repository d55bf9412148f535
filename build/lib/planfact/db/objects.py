"""Replaceable database objects (views, materialized views, functions) kept in ``sql/``.

A migration names objects as ``"<schema>/<name>"``; the file ``sql/<schema>/<name>.sql``
holds the ``create`` statement(s). When a definition changes, add
``sql/<schema>/<name>.v2.sql`` and a migration that applies v2 on upgrade and the
previous file on downgrade, so every version of every view stays reproducible.
"""

from __future__ import annotations

import re
from typing import Any

from psycopg import sql

from planfact.db.queries import sql_file, statement

__all__ = ["create_objects", "drop_objects", "object_kind_and_name"]

_CREATE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(materialized\s+view|view|function)\s+([a-z_][\w.]*)",
    re.IGNORECASE,
)


def _driver_connection(bind: Any) -> Any:
    """The psycopg connection under an alembic/SQLAlchemy bind (no bind-parameter parsing)."""
    return bind.connection.driver_connection


def object_kind_and_name(ref: str) -> tuple[str, str]:
    """The kind (``view``, ``materialized view``, ``function``) and qualified name in a file."""
    match = _CREATE.search(sql_file(f"{ref}.sql"))
    if not match:
        raise ValueError(f"sql/{ref}.sql has no create view/materialized view/function statement")
    return " ".join(match.group(1).lower().split()), match.group(2).lower()


def create_objects(bind: Any, refs: list[str]) -> None:
    """Run the files of ``refs`` in order (views that depend on others come later)."""
    conn = _driver_connection(bind)
    for ref in refs:
        conn.execute(sql_file(f"{ref}.sql"))


def drop_objects(bind: Any, refs: list[str]) -> None:
    """Drop the objects of ``refs`` in reverse order."""
    conn = _driver_connection(bind)
    for ref in reversed(refs):
        kind, name = object_kind_and_name(ref)
        # Identifiers come from our own sql/ files, never from input; psycopg.sql composes them.
        parts = [sql.Identifier(p) for p in name.split(".")]
        conn.execute(sql.SQL(statement("database/drop_object")).format(
            kind=sql.SQL(kind), name=sql.SQL(".").join(parts)))
