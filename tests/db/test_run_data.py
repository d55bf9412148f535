"""The generated Rossmann-like data of the run tests loads as two data versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg

from support.run_data import STORES, load_two_versions


def test_generated_data_loads_as_two_versions(conn: psycopg.Connection, tmp_path: Path) -> None:
    v1, v2 = load_two_versions(conn, tmp_path)
    assert v2 > v1
    rows = conn.execute(
        "select version_id, rows_inserted, rows_restated, period_end from core.data_version order by 1"
    ).fetchall()
    june_rows = STORES * 30
    assert rows[1][1:] == (june_rows, 2, dt.date(2015, 6, 30))
