"""The report registry: one ``forecast.report`` row per rendered file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from planfact.db.queries import execute

__all__ = ["record_report"]


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
