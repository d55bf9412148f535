"""Connections: resolve the database URL, open psycopg connections, take advisory locks.

URLs are kept in libpq form (``postgresql://...``); SQLAlchemy (used by alembic)
gets the ``postgresql+psycopg`` dialect name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

from forecasting.errors import UsageError
from forecasting.queries import execute
from forecasting.settings import Settings

__all__ = [
    "resolve_url",
    "connect",
    "with_database",
    "sqlalchemy_url",
    "libpq_url",
    "advisory_lock",
    "lock_key",
]

EMBEDDED_DATABASE = "planfact"


def libpq_url(url: str) -> str:
    """Drop a SQLAlchemy driver suffix so psycopg accepts the URL."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def sqlalchemy_url(url: str) -> str:
    """The same URL with the psycopg 3 dialect for SQLAlchemy and alembic."""
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def with_database(url: str, name: str) -> str:
    """The URL of database ``name`` on the same server as ``url``."""
    parsed = make_url(url).set(database=name, drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def resolve_url(settings: Settings) -> str:
    """The configured database, or the embedded server's ``planfact`` database."""
    if settings.database_url:
        return libpq_url(settings.database_url)
    from forecasting.embedded import ensure_database, start_embedded

    admin = start_embedded(settings.state_dir / "pgdata", settings.embedded_pg_version)
    return ensure_database(admin, EMBEDDED_DATABASE)


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """Open a psycopg connection; a failure names the server without the password."""
    try:
        return psycopg.connect(libpq_url(url), autocommit=autocommit, application_name="planfact")
    except psycopg.OperationalError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"cannot connect to {shown}: {first}") from None


def lock_key(*parts: object) -> int:
    """A stable signed 64-bit advisory-lock key for a name such as ('run', '2015-07')."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def advisory_lock(conn: psycopg.Connection, *parts: object, wait: bool = True) -> Iterator[bool]:
    """Hold a transaction-level advisory lock for the duration of the block.

    Yields False when ``wait`` is False and another session holds the lock.
    The lock is released at the end of the surrounding transaction.
    """
    key = lock_key(*parts)
    if wait:
        execute(conn, "database/advisory_xact_lock", {"key": key})
        yield True
        return
    row = execute(conn, "database/try_advisory_xact_lock", {"key": key}).fetchone()
    yield bool(row and row[0])
