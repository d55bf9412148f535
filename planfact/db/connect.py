"""Connections: database URLs in their three spellings and psycopg connections.

URLs are kept in libpq form (``postgresql://...``); SQLAlchemy (used by alembic)
gets the ``postgresql+psycopg`` dialect name. Which server to use (the configured
one or the embedded one) is :mod:`planfact.db.server`'s job.

A connection belongs to the process that opened it. A forked child (the engine's
workers fork) inherits its socket, and while any process keeps that socket open the
server keeps the session, with its advisory locks (a run's lease, a month lock) and an
open transaction: a parent killed by SIGKILL would look alive as long as its children
lived. So in every forked child, each connection opened here has its socket replaced by
/dev/null at once: the child holds no session, the parent's are untouched, and the
server ends them the moment the parent dies. (/dev/null rather than closing keeps the
descriptor number taken: a stray write from the child's copy of the connection, such as
libpq's goodbye at interpreter exit, goes nowhere instead of into a reused descriptor or
the parent's session.)
"""

from __future__ import annotations

import os
import weakref
from contextlib import suppress

import psycopg
from sqlalchemy.engine import make_url

from planfact.errors import UsageError

__all__ = ["libpq_url", "sqlalchemy_url", "with_database", "shown_url", "connect"]

_OPENED: weakref.WeakSet[psycopg.Connection] = weakref.WeakSet()  # by connect(), in this process


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
        conn = psycopg.connect(libpq_url(url), autocommit=autocommit, application_name="planfact")
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"cannot connect to {shown_url(url)}: {first}") from None
    _OPENED.add(conn)
    return conn


def _detach_inherited() -> None:
    """In a forked child: point the socket of every connection inherited from the parent at /dev/null."""
    sockets = []
    for conn in list(_OPENED):
        with suppress(psycopg.Error):  # closed or lost in the parent: nothing inherited
            if not conn.closed:
                sockets.append(conn.pgconn.socket)
    _OPENED.clear()
    if not sockets:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in sockets:
            os.dup2(null, fd, inheritable=False)
    finally:
        os.close(null)


os.register_at_fork(after_in_child=_detach_inherited)
