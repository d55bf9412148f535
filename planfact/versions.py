"""Data versions: the numbered loads, their month checksums and the proof that data is unchanged.

Every load that changes the actuals or the planned flags is one ``core.data_version``; for
every version ``core.data_version_month`` holds row count, sales total and an order-independent
content checksum per calendar month of the actuals as of that version (computed in SQL by
``core.actuals_month_checksums``). ``verify_version`` recomputes them from the facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import psycopg

from planfact.db.queries import fetch_all, fetch_frame, fetch_one
from planfact.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd  # imported lazily by fetch_frame: Airflow tasks ask for versions often

__all__ = [
    "MonthCheck", "latest_version", "version_exists", "version_as_of_month", "list_versions",
    "month_checksums", "verify_version",
]


@dataclass(frozen=True)
class MonthCheck:
    """One month of a version: stored against recomputed checksum and row count."""

    month: date
    stored_rows: int | None
    actual_rows: int | None
    stored_checksum: str | None
    actual_checksum: str | None
    ok: bool


def latest_version(conn: psycopg.Connection) -> int | None:
    """The newest data version id, or None before the first load."""
    row = fetch_one(conn, "versions/latest")
    return int(row[0]) if row and row[0] is not None else None


def version_exists(conn: psycopg.Connection, version_id: int) -> bool:
    """Whether data version ``version_id`` exists."""
    row = fetch_one(conn, "versions/exists", {"version_id": version_id})
    return bool(row and row[0])


def version_as_of_month(conn: psycopg.Connection, month: date) -> int | None:
    """The data version as of ``month``'s close, or None when no version holds its actuals.

    The newest version before the first one with actuals after the month: the load that
    closed it, restatements of it and the next month's planned flags that came before the
    next month's actuals. A month that arrived together with later months (one history
    file) gives the first version holding it. Re-running a month with this version
    reproduces what could have been known then, whatever landed since.
    """
    first = fetch_one(conn, "versions/first_of_month", {"month": month})
    if first is None or first[0] is None:
        return None
    row = fetch_one(conn, "versions/as_of_month", {"month": month, "first": first[0]})
    return int(row[0]) if row and row[0] is not None else None


def list_versions(conn: psycopg.Connection) -> pd.DataFrame:
    """The versions table, one row per data version, oldest first."""
    return fetch_frame(conn, "versions/list")


def month_checksums(conn: psycopg.Connection, version_id: int) -> pd.DataFrame:
    """Stored month checksums of a version: month, row_count, sales_total, checksum."""
    return fetch_frame(conn, "versions/month_checksums", {"version_id": version_id})


def verify_version(conn: psycopg.Connection, version_id: int) -> list[MonthCheck]:
    """Recompute every month of ``version_id`` from the facts and compare with the stored sums.

    A month whose check is not ``ok`` was changed after the load (or is missing on one side).
    A version that does not exist is a UsageError (there is nothing to verify).
    """
    if not version_exists(conn, version_id):
        latest = latest_version(conn)
        known = f"the latest is {latest}" if latest else "no data versions yet"
        raise UsageError(f"data version {version_id} does not exist ({known})")
    rows = fetch_all(conn, "versions/verify", {"version_id": version_id})
    return [
        MonthCheck(
            month=r[0],
            stored_rows=r[1],
            actual_rows=r[2],
            stored_checksum=r[3],
            actual_checksum=r[4],
            ok=bool(r[5]),
        )
        for r in rows
    ]
