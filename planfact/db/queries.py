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

Params = dict[str, Any] | None  # bind parameters by name (psycopg's %(name)s)

__all__ = [
    "SqlFolder",
    "STATEMENTS",
    "sql_root",
    "statement",
    "sql_file",
    "execute",
    "fetch_frame",
    "fetch_all",
    "fetch_one",
]


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


class SqlFolder:
    """Named statements of one folder of ``.sql`` files: ``"a/b"`` is ``<folder>/a/b.sql``.

    The one loader of named SQL: planfact's ``sql/statements`` (``STATEMENTS``, behind the
    functions below) and the benchmarks' ``bench/sql`` (bench/queries.py) both use it.
    """

    def __init__(self, root: Traversable, *, shown_as: str) -> None:
        self.root = root
        self.shown_as = shown_as  # how errors name the folder
        self._texts: dict[str, str] = {}

    def statement(self, name: str) -> str:
        """The text of the named statement."""
        text = self._texts.get(name)
        if text is None:
            path = self.root.joinpath(*f"{name}.sql".split("/"))
            if not path.is_file():
                raise FileNotFoundError(f"no SQL file {self.shown_as}/{name}.sql")
            text = self._texts[name] = path.read_text(encoding="utf-8")
        return text

    def execute(self, conn: psycopg.Connection, name: str, params: Params = None) -> psycopg.Cursor:
        """Run a named statement with bind parameters and return the cursor."""
        return conn.execute(self.statement(name), params or {})  # type: ignore[arg-type]

    def fetch_all(self, conn: psycopg.Connection, name: str, params: Params = None) -> list[tuple]:
        """All rows of a named query."""
        return self.execute(conn, name, params).fetchall()

    def fetch_one(self, conn: psycopg.Connection, name: str, params: Params = None) -> tuple | None:
        """The first row of a named query, or None."""
        return self.execute(conn, name, params).fetchone()

    def fetch_frame(self, conn: psycopg.Connection, name: str, params: Params = None) -> pd.DataFrame:
        """A named query's result as a DataFrame, columns named as in the SELECT."""
        import pandas as pd  # lazy: keeps `planfact --help` fast

        cur = self.execute(conn, name, params)
        columns = [col.name for col in cur.description or []]
        return pd.DataFrame(cur.fetchall(), columns=columns)


STATEMENTS = SqlFolder(sql_root().joinpath("statements"), shown_as="sql/statements")
statement = STATEMENTS.statement
execute = STATEMENTS.execute
fetch_all = STATEMENTS.fetch_all
fetch_one = STATEMENTS.fetch_one
fetch_frame = STATEMENTS.fetch_frame
