"""The report registry: one ``forecast.report`` row per rendered file, and its verification.

A registered file is immutable (see ``planfact.reporting.month``): ``verify_reports``
recomputes every registered file's sha256 (``planfact report verify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from planfact.db.queries import execute, fetch_all, fetch_one
from planfact.hashes import file_sha256

__all__ = ["ReportCheck", "record_report", "is_registered", "verify_reports"]


@dataclass(frozen=True)
class ReportCheck:
    """One registered report file checked against its recorded sha256 (grain: one report row)."""

    report_id: int
    month: date
    fmt: str
    path: str
    recorded: str
    actual: str | None  # None: the file is missing

    @property
    def state(self) -> str:
        """``ok``, ``missing`` or ``changed``."""
        return "missing" if self.actual is None else "ok" if self.actual == self.recorded else "changed"


def record_report(
    conn: psycopg.Connection,
    *,
    month: date,
    fmt: str,
    plan_run_id: int,
    data_version: int,
    path: Path,
    sha256: str,
    params: dict[str, Any],
) -> int:
    """Insert one registry row in the caller's transaction; returns its report_id."""
    row = execute(
        conn,
        "reports/insert_report",
        {
            "month": month,
            "format": fmt,
            "plan_run_id": plan_run_id,
            "data_version": data_version,
            "path": str(path),
            "sha256": sha256,
            "params": Jsonb(params),
        },
    ).fetchone()
    assert row is not None
    return int(row[0])


def is_registered(conn: psycopg.Connection, path: Path) -> bool:
    """Whether a report row already names ``path``."""
    row = fetch_one(conn, "reports/path_registered", {"path": str(path)})
    return bool(row and row[0])


def verify_reports(conn: psycopg.Connection, month: date | None = None) -> list[ReportCheck]:
    """Every registered file (of ``month``) with its recorded and recomputed sha256, oldest first."""
    checks = []
    for report_id, target_month, fmt, path, recorded in fetch_all(
        conn, "reports/registered_files", {"month": month}
    ):
        file = Path(path)
        actual = file_sha256(file) if file.is_file() else None
        checks.append(ReportCheck(int(report_id), target_month, fmt, path, recorded.strip(), actual))
    return checks
