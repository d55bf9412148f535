"""Transaction-level advisory locks named by parts such as ``("run", "2015-07")``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from planfact.db.queries import execute

__all__ = ["lock_key", "advisory_lock"]


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
