"""SQL loaded by name from ``sql/``; values always travel as bind parameters.

A statement ``"versions/insert_version"`` is the file ``sql/statements/versions/insert_version.sql``.
Files use psycopg's named placeholders, ``%(name)s``. ``sql/`` ships inside the wheel as the
package ``planfact._sql`` and is read through ``importlib.resources``, never a checkout path.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

import psycopg

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["sql_root", "statement", "sql_file", "execute", "fetch_frame", "fetch_all", "fetch_one"]


def sql_root() -> Traversable:
    """The ``sql/`` folder, wherever planfact is installed."""
    return resources.files("planfact._sql")


@cache
def sql_file(relative: str) -> str:
    """The text of ``sql/<relative>`` (for views, functions and data tests)."""
    path = sql_root().joinpath(*relative.split("/"))
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file sql/{relative}")
    return path.read_text(encoding="utf-8")


def statement(name: str) -> str:
    """The text of the named statement ``sql/statements/<name>.sql``."""
    return sql_file(f"statements/{name}.sql")


def execute(conn: psycopg.Connection, name: str, params: dict[str, Any] | None = None) -> psycopg.Cursor:
    """Run a named statement with bind parameters and return the cursor."""
    return conn.execute(statement(name), params or {})  # type: ignore[arg-type]


def fetch_all(conn: psycopg.Connection, name: str, params: dict[str, Any] | None = None) -> list[tuple]:
    """All rows of a named query."""
    return execute(conn, name, params).fetchall()


def fetch_one(conn: psycopg.Connection, name: str, params: dict[str, Any] | None = None) -> tuple | None:
    """The first row of a named query, or None."""
    return execute(conn, name, params).fetchone()


def fetch_frame(conn: psycopg.Connection, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """A named query's result as a DataFrame, columns named as in the SELECT."""
    import pandas as pd  # lazy: keeps `planfact --help` fast

    cur = execute(conn, name, params)
    columns = [col.name for col in cur.description or []]
    return pd.DataFrame(cur.fetchall(), columns=columns)
