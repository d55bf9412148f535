"""Bench-only SQL, kept in ``bench/sql/`` and loaded by name like the application's ``sql/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

__all__ = ["statement", "execute", "fetch_one", "fetch_all"]

SQL = Path(__file__).resolve().parent / "sql"


def statement(name: str) -> str:
    """The text of ``bench/sql/<name>.sql``."""
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


def execute(conn: psycopg.Connection, name: str, params: dict[str, Any] | None = None) -> psycopg.Cursor:
    """Run a bench statement with bind parameters."""
    return conn.execute(statement(name), params or {})  # type: ignore[arg-type]


def fetch_one(conn: psycopg.Connection, name: str, params: dict[str, Any] | None = None) -> tuple | None:
    """The first row of a bench query."""
    return execute(conn, name, params).fetchone()


def fetch_all(conn: psycopg.Connection, name: str, params: dict[str, Any] | None = None) -> list[tuple]:
    """All rows of a bench query."""
    return execute(conn, name, params).fetchall()
