"""The frozen SQL migrations carry: ``migrations/sql/<revision id>/...``, never the live ``sql/``.

A migration's views, functions, grants and data steps are copied under its own revision's folder
when it is written and never edited afterwards, so an old migration does to a database exactly
what it did the day it was written, whatever the application's ``sql/`` says today. A later
migration that puts an older definition back on downgrade reads it from the folder of the
migration that made it (``"0005_mart/mart/run_registry"``): frozen files never change.

This module only runs files (and drops the object a file creates); it holds no SQL of its own
and imports nothing from the application. Migrations import it as ``planfact._migrations.frozen``
(the wheel's name of the ``migrations`` package, which an editable install maps as well).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from psycopg import sql

__all__ = ["text", "run", "create", "drop"]

ROOT = Path(__file__).parent / "sql"

_CREATE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(materialized\s+view|view|function)\s+([a-z_][\w.]*)",
    re.IGNORECASE,
)
_DROP = "drop {kind} if exists {name}"


def text(ref: str) -> str:
    """The text of ``migrations/sql/<ref>.sql``."""
    path = ROOT.joinpath(*ref.split("/")).with_suffix(".sql")
    if not path.is_file():
        raise FileNotFoundError(f"no frozen migration SQL migrations/sql/{ref}.sql")
    return path.read_text(encoding="utf-8")


def _driver(bind: Any) -> Any:
    # The psycopg connection under alembic's bind: no SQLAlchemy bind-parameter parsing of ':'.
    return bind.connection.driver_connection


def run(bind: Any, ref: str, params: dict[str, Any] | None = None) -> None:
    """Run one frozen file (psycopg placeholders ``%(name)s`` when ``params`` are given)."""
    _driver(bind).execute(text(ref), params)


def create(bind: Any, refs: list[str]) -> None:
    """Run the files of ``refs`` in order (an object after the objects it reads)."""
    for ref in refs:
        run(bind, ref)


def drop(bind: Any, refs: list[str]) -> None:
    """Drop the object each file of ``refs`` creates, in reverse order."""
    for ref in reversed(refs):
        match = _CREATE.search(text(ref))
        if not match:
            raise ValueError(f"migrations/sql/{ref}.sql has no create view/materialized view/function")
        kind = " ".join(match.group(1).lower().split())
        name = sql.SQL(".").join(sql.Identifier(part) for part in match.group(2).lower().split("."))
        _driver(bind).execute(sql.SQL(_DROP).format(kind=sql.SQL(kind), name=name))
