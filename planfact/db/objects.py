"""The live views, materialized views and functions kept in ``sql/<schema>/<name>.sql``.

``sql/objects.toml`` lists them per schema in creation order (an object after the objects it
reads); it is the one place the mart's order is written down. Each file holds the newest
definition of its object: a superseded definition lives, frozen, with the migration that
replaced it (``migrations/sql/<revision>/``), and migrations never read these files.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache

import psycopg
from psycopg import sql

from planfact.db.queries import sql_file, sql_root, statement

__all__ = ["SCHEMAS", "live_objects", "object_kind_and_name", "materialized_views", "create_objects",
           "drop_objects"]

SCHEMAS: tuple[str, ...] = ("core", "forecast", "mart")

_CREATE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(materialized\s+view|view|function)\s+([a-z_][\w.]*)",
    re.IGNORECASE,
)


@cache
def _manifest() -> dict[str, tuple[str, ...]]:
    text = sql_root().joinpath("objects.toml").read_text(encoding="utf-8")
    return {schema: tuple(names) for schema, names in tomllib.loads(text).items()}


def live_objects(*schemas: str) -> list[str]:
    """Refs ``"<schema>/<name>"`` of the objects of ``schemas`` (all when none), creation order."""
    manifest = _manifest()
    return [f"{schema}/{name}" for schema in schemas or SCHEMAS for name in manifest.get(schema, ())]


@cache
def object_kind_and_name(ref: str) -> tuple[str, str]:
    """The kind (``view``, ``materialized view``, ``function``) and qualified name in a file."""
    match = _CREATE.search(sql_file(f"{ref}.sql"))
    if not match:
        raise ValueError(f"sql/{ref}.sql has no create view/materialized view/function statement")
    return " ".join(match.group(1).lower().split()), match.group(2).lower()


def materialized_views(schema: str) -> tuple[str, ...]:
    """Qualified names of the materialized views of ``schema`` in creation (refresh) order."""
    kinds = [object_kind_and_name(ref) for ref in live_objects(schema)]
    return tuple(name for kind, name in kinds if kind == "materialized view")


def create_objects(conn: psycopg.Connection, refs: list[str]) -> None:
    """Run the files of ``refs`` in order."""
    for ref in refs:
        conn.execute(sql_file(f"{ref}.sql"))  # type: ignore[arg-type]


def drop_objects(conn: psycopg.Connection, refs: list[str]) -> None:
    """Drop the objects of ``refs`` in reverse order."""
    for ref in reversed(refs):
        kind, name = object_kind_and_name(ref)
        # Identifiers come from our own sql/ files, never from input; psycopg.sql composes them.
        parts = [sql.Identifier(p) for p in name.split(".")]
        conn.execute(sql.SQL(statement("database/drop_object")).format(  # type: ignore[arg-type]
            kind=sql.SQL(kind), name=sql.SQL(".").join(parts)))  # type: ignore[arg-type]
