"""Connections: database URLs in their three spellings and psycopg connections.

URLs are kept in libpq form (``postgresql://...``); SQLAlchemy (used by alembic)
gets the ``postgresql+psycopg`` dialect name. Which server to use (the configured
one or the embedded one) is :mod:`planfact.db.server`'s job.
"""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import make_url

from planfact.errors import UsageError

__all__ = ["libpq_url", "sqlalchemy_url", "with_database", "shown_url", "connect"]


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


def shown_url(url: str) -> str:
    """A URL for messages: no password, and a unix-socket URL as ``database D (socket in DIR)``."""
    parsed = make_url(url)
    socket = parsed.query.get("host")
    if not parsed.host and isinstance(socket, str):
        return f"database {parsed.database} (socket in {socket})"
    return parsed.render_as_string(hide_password=True)


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """Open a psycopg connection; a failure names the server without the password."""
    try:
        return psycopg.connect(libpq_url(url), autocommit=autocommit, application_name="planfact")
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"cannot connect to {shown_url(url)}: {first}") from None
