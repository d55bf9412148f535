"""Where every bench runs: ``PLANFACT_BENCH_DATABASE_URL``, else the embedded server; throwaway databases.

The embedded one lives in ``.planfact/pgbench``, apart from the demo's and the tests' servers,
so a bench never touches their data. Each bench creates and drops its own databases there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from planfact.db.connect import with_database

__all__ = ["server_url", "throwaway_database"]

ROOT = Path(__file__).resolve().parents[1]


def server_url() -> str:
    """Admin URL of the PostgreSQL server to benchmark on."""
    given = os.environ.get("PLANFACT_BENCH_DATABASE_URL")
    if given:
        return given
    from planfact.db.embedded import start_embedded

    return start_embedded(ROOT / ".planfact" / "pgbench", 16)


@contextmanager
def throwaway_database(admin: str, prefix: str = "planfact_bench", *, keep: bool = False) -> Iterator[str]:
    """Create a uniquely named database on ``admin``'s server, yield its URL, drop it after.

    With ``keep`` the database stays for a look afterwards and its name is printed.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield with_database(admin, name)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
