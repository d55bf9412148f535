"""Applying a validated stage as one new data version, set-based.

A new ``core.data_version`` (with one ``core.data_version_file`` row per file); stores,
product groups and series the stage names are created where the load accepts new ones (the
staging refused them otherwise); restated current rows are closed (``valid_to_version``),
new and changed rows inserted, identical rows left alone; into an empty table everything is
inserted in bulk. Then the month checksums: computed in SQL for the months the load wrote,
copied from the previous version for every other month. Refused lines of a quarantine load
are kept in ``core.rejected_row``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import psycopg

from planfact.actuals.bulk import insert_rebuilding_indexes
from planfact.actuals.layouts import Kind
from planfact.actuals.staging import StagedFile
from planfact.db.queries import execute, fetch_all, fetch_one, statement
from planfact.stopwatch import lap

__all__ = [
    "Applied",
    "NothingChanged",
    "apply_stage",
    "close_version",
    "keep_rejects",
    "open_version",
    "stage_changes_anything",
]


class NothingChanged(Exception):
    """Every staged row equals the current data: no version."""


@dataclass(frozen=True)
class Applied:
    """What one applied version wrote."""

    version_id: int
    inserted: int
    restated: int
    unchanged: int
    rows: int
    period_start: date | None
    period_end: date | None
    new_stores: int
    new_groups: int
    new_series: int


def stage_changes_anything(conn: psycopg.Connection, kind: Kind) -> bool:
    """Whether the stage holds a row that is new or differs from the current data."""
    check = "actuals/stage_changes_anything" if kind == "actuals" else "actuals/plan_changes_anything"
    changes = fetch_one(conn, check)
    return bool(changes and changes[0])


def apply_stage(
    conn: psycopg.Connection,
    kind: Kind,
    files: list[StagedFile],
    *,
    bulk: bool,
    previous_id: int | None,
    version_row: dict[str, object],
) -> Applied:
    """Write the stage as a new version; raises NothingChanged before taking a version id
    when every row equals the current data (``bulk``: core.actuals is empty, insert all)."""
    summary = fetch_one(conn, "actuals/stage_totals")
    assert summary is not None
    rows, period_start, period_end = int(summary[0]), summary[1], summary[2]
    if rows == 0 or (not bulk and not stage_changes_anything(conn, kind)):
        raise NothingChanged()
    version_id = open_version(conn, files, version_row)
    created = fetch_one(conn, "actuals/ensure_series")
    new_stores, new_groups = (int(created[0]), int(created[1])) if created else (0, 0)
    new_series = execute(conn, "actuals/ensure_series_rows").rowcount
    params = {"version_id": version_id}
    restated = 0
    if bulk:
        written = insert_rebuilding_indexes(conn, "actuals/insert_all", params, rows)
        touched: list[date] | None = None  # every month is new: checksum them all in one scan
    else:
        execute(conn, "actuals/analyze_stage")
        prefix = "actuals/" if kind == "actuals" else "actuals/plan_"
        restated = execute(conn, f"{prefix}close_restated", params).rowcount
        months = fetch_all(conn, f"{prefix}insert_changed", params)
        written = sum(int(count) for _month, count in months)
        touched = [month for month, _count in months] if kind == "actuals" else []
    close_version(
        conn,
        version_id,
        previous_id,
        files,
        touched=touched,
        period=(period_start, period_end),
        rows=rows,
        written=written,
        restated=restated,
    )
    inserted = written - restated
    return Applied(
        version_id,
        inserted,
        restated,
        rows - written,
        rows,
        period_start,
        period_end,
        new_stores,
        new_groups,
        new_series,
    )


def open_version(conn: psycopg.Connection, files: list[StagedFile], version_row: dict[str, object]) -> int:
    """A new core.data_version with one core.data_version_file per file; returns its id."""
    version = fetch_one(conn, "versions/insert_version", version_row)
    assert version is not None
    version_id = int(version[0])
    for number, staged in enumerate(files, start=1):
        execute(
            conn,
            "versions/insert_version_file",
            {
                "version_id": version_id,
                "file_no": number,
                "source_name": staged.source.path.name,
                "sha256": staged.source.sha256,
                "layout": staged.source.layout.name,
                "period_start": staged.period_start,
                "period_end": staged.period_end,
                "rows_in_file": staged.rows_in_file,
                "rows_rejected": staged.rejected,
            },
        )
    return version_id


def close_version(
    conn: psycopg.Connection,
    version_id: int,
    previous_id: int | None,
    files: list[StagedFile],
    *,
    touched: list[date] | None,
    period: tuple[date | None, date | None],
    rows: int,
    written: int,
    restated: int,
    sums: list[tuple] | None = None,
) -> None:
    """The month checksums of the new version (``touched`` computed, None: every month, or
    given as ``sums``; the others copied from ``previous_id``), its counts, and the rejects of
    its files."""
    if sums is None:
        params = {"version_id": version_id, "months": touched}
        sums = fetch_all(conn, "versions/compute_month_checksums", params)
        lap("month checksums")
    execute(
        conn,
        "versions/insert_month_checksums",
        {
            "version_id": version_id,
            "previous_id": previous_id,
            "months": [row[0] for row in sums],
            "row_counts": [row[1] for row in sums],
            "totals": [row[2] for row in sums],
            "checksums": [row[3] for row in sums],
        },
    )
    rejected = sum(f.rejected for f in files)
    execute(
        conn,
        "versions/finish_version",
        {
            "version_id": version_id,
            "period_start": period[0],
            "period_end": period[1],
            "rows_in_file": sum(f.rows_in_file for f in files),
            "rows_inserted": written - restated,
            "rows_restated": restated,
            "rows_unchanged": rows - written,
            "rows_rejected": rejected,
        },
    )
    keep_rejects(conn, version_id, files)
    lap("version counts and rejects")


def keep_rejects(conn: psycopg.Connection, version_id: int | None, files: list[StagedFile]) -> int:
    """One ``core.rejected_row`` per refused line (its first problem); ``version_id`` None when
    the load created no version: then a file whose rejects are kept already (same sha256) adds
    none, so sending it again does not count its bad lines twice. Returns the rows kept."""
    kept = 0
    if version_id is None:
        files = [s for s in files if not _rejects_kept(conn, s.source.sha256)]
    with conn.cursor() as cur, cur.copy(statement("actuals/copy_rejected")) as copy:
        for staged in files:
            seen: set[int] = set()
            for problem in sorted(staged.problems, key=lambda p: (p.line_no, p.column or "")):
                if problem.line_no in seen:
                    continue
                seen.add(problem.line_no)
                copy.write_row(
                    (
                        version_id,
                        staged.source.path.name,
                        staged.source.sha256,
                        problem.line_no,
                        problem.column,
                        problem.reason,
                        problem.raw_line,
                    )
                )
                kept += 1
    return kept


def _rejects_kept(conn: psycopg.Connection, sha256: str) -> bool:
    row = fetch_one(conn, "actuals/rejects_of_file", {"sha256": sha256})
    return bool(row and row[0])
