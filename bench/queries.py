"""Bench-only SQL, kept in ``bench/sql/`` and loaded by name with planfact's own loader."""

from __future__ import annotations

from pathlib import Path

from planfact.db.queries import SqlFolder

__all__ = ["BENCH_SQL", "statement", "execute", "fetch_one", "fetch_all"]

BENCH_SQL = SqlFolder(Path(__file__).resolve().parent / "sql", shown_as="bench/sql")
statement = BENCH_SQL.statement
execute = BENCH_SQL.execute
fetch_one = BENCH_SQL.fetch_one
fetch_all = BENCH_SQL.fetch_all
