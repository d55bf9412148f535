"""Partitions of core.actuals: one per data version (LIST on ``valid_from_version``).

A version's partition is made as a plain table in the load's transaction and attached to
``core.actuals`` once its rows and indexes are in: ``ATTACH`` takes a share-update lock on the
parent (readers go on), skips its validation scan thanks to the table's check constraint, and
validates each foreign key with one query. The staged (diffed) loads, and every load by a
role that does not own core.actuals, insert through the parent: their rows land in
``core.actuals_default`` (attaching a partition takes an exclusive lock on the default
partition until the commit, which readers would wait for).
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from planfact.db.queries import fetch_one, statement

__all__ = ["partition_name", "owns_actuals", "create_partition", "index_partition", "attach_partition"]


def partition_name(version_id: int) -> sql.Identifier:
    """The partition of one version: ``core.actuals_v<version_id>``."""
    return sql.Identifier("core", f"actuals_v{version_id}")


def owns_actuals(conn: psycopg.Connection) -> bool:
    """Whether the current role may create and attach partitions of core.actuals."""
    row = fetch_one(conn, "actuals/owns_actuals")
    return bool(row and row[0])


def _run(conn: psycopg.Connection, name: str, version_id: int, **identifiers: str) -> None:
    query = sql.SQL(statement(name)).format(
        name=partition_name(version_id),
        version=sql.Literal(int(version_id)),
        **{key: sql.Identifier(value) for key, value in identifiers.items()},
    )
    conn.execute(query)


def create_partition(conn: psycopg.Connection, version_id: int) -> sql.Identifier:
    """A fresh, unattached table for the rows of ``version_id``; returns its name."""
    stale = fetch_one(conn, "actuals/stale_partition", {"name": f"core.actuals_v{int(version_id)}"})
    if stale and stale[0]:
        _run(conn, "actuals/drop_partition", version_id)
    _run(conn, "actuals/create_partition", version_id, check=f"actuals_v{version_id}_version")
    return partition_name(version_id)


def index_partition(conn: psycopg.Connection, version_id: int) -> None:
    """Build the partition's indexes and statistics (its rows are in)."""
    base = f"actuals_v{version_id}"
    _run(
        conn,
        "actuals/partition_indexes",
        version_id,
        pkey=f"{base}_pkey",
        current_key=f"{base}_current_key",
        valid_to=f"{base}_valid_to",
        sale_date=f"{base}_sale_date",
    )
    _run(conn, "actuals/analyze_partition", version_id)


def attach_partition(conn: psycopg.Connection, version_id: int) -> None:
    """Attach the version's table to core.actuals: its rows become visible with the commit.

    ATTACH locks core.actuals_default exclusively (it checks that the default partition holds
    no row of the version) until the commit: the load attaches last, just before it commits.
    """
    _run(conn, "actuals/attach_partition", version_id)
