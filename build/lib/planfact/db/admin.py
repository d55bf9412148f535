"""Create and drop databases: the one place that does (embedded server, demo, tests, benches)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from planfact.db.connect import libpq_url, with_database
from planfact.db.queries import execute, statement

__all__ = ["database_exists", "create_database", "drop_database", "ensure_database", "throwaway_database"]


def _admin(admin_url: str) -> psycopg.Connection:
    # create/drop database cannot run inside a transaction block: autocommit.
    return psycopg.connect(libpq_url(admin_url), autocommit=True)


def database_exists(admin_url: str, name: str) -> bool:
    """True when database ``name`` exists on the server of ``admin_url``."""
    with _admin(admin_url) as conn:
        return execute(conn, "database/database_exists", {"name": name}).fetchone() is not None


def create_database(admin_url: str, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` (optionally a copy of ``template``); return its URL."""
    with _admin(admin_url) as conn:
        if template:
            query = sql.SQL(statement("database/create_database_from_template")).format(
                name=sql.Identifier(name), template=sql.Identifier(template))
        else:
            query = sql.SQL(statement("database/create_database")).format(name=sql.Identifier(name))
        conn.execute(query)
    return with_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, disconnecting its sessions."""
    with _admin(admin_url) as conn:
        conn.execute(sql.SQL(statement("database/drop_database")).format(name=sql.Identifier(name)))


def ensure_database(admin_url: str, name: str) -> str:
    """Create database ``name`` if missing; return its URL."""
    if not database_exists(admin_url, name):
        create_database(admin_url, name)
    return with_database(admin_url, name)


@contextmanager
def throwaway_database(
    admin_url: str, prefix: str, *, template: str | None = None, keep: bool = False
) -> Iterator[str]:
    """A uniquely named database for the block (tests, benches); dropped afterwards unless ``keep``."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = create_database(admin_url, name, template=template)
    try:
        yield url
    finally:
        if not keep:
            drop_database(admin_url, name)
