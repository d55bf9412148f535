"""Loads of actuals and planned flags into the cumulatively versioned tables.

One load = one transaction holding the advisory lock ``("data", "load")``:

1. the file's sha256 already loaded? -> nothing happens ("already loaded as version N");
2. fast path: one typed ``COPY`` of the raw bytes into a temp table, one aggregate that
   checks every row rule and the frequency of every series; if anything is wrong (or the
   ``COPY`` fails) the savepoint is rolled back and ``validation.diagnose`` stages the file
   again as numbered text to name line and column of every problem;
3. apply, set-based: a new ``core.data_version``; unknown stores and series are added;
   restated current rows are closed (``valid_to_version``), new and changed rows inserted,
   identical rows left alone; into an empty table everything is inserted in bulk;
4. month checksums: computed in SQL for the months the load wrote, copied from the previous
   version for every other month (a first load: all months, in one parallel scan).

A load that changes nothing rolls back its version row and says so.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
from psycopg import errors, sql

from forecasting.progress import progress
from planfact.actuals.bulk import insert_rebuilding_indexes
from planfact.actuals.layouts import Kind, Layout, check_header, detect_layout, named_layout, read_mapping
from planfact.actuals.source import iter_chunks, read_header
from planfact.actuals.validation import Problem, Rules, diagnose, refusal, rule_params, stage_columns
from planfact.db.locks import advisory_lock
from planfact.db.queries import execute, fetch_all, fetch_one, statement
from planfact.errors import PlanfactError
from planfact.hashes import file_sha256
from planfact.versions import latest_version

__all__ = ["LoadResult", "load_actuals", "load_plan", "resolve_layout", "LOAD_LOCK", "PAUSE_ENV"]

log = logging.getLogger(__name__)

LOAD_LOCK = ("data", "load")
# Test hook: seconds to sleep after the rows are written and before the commit.
PAUSE_ENV = "PLANFACT_LOAD_PAUSE_SECONDS"
# The errors a typed COPY or the bulk insert raise for bad data: diagnose instead of failing.
_DATA_ERRORS = (errors.DataError, errors.UniqueViolation, errors.CheckViolation, errors.NotNullViolation)


@dataclass(frozen=True)
class LoadResult:
    """What a load did; ``version_id`` is None when it created no version."""

    version_id: int | None
    already_loaded: bool
    inserted: int
    restated: int
    unchanged: int
    rejected: int
    period_start: date | None
    period_end: date | None
    message: str
    layout: str = ""
    rows_in_file: int = 0


class _Diagnose(Exception):
    """The fast path found a problem: stage again with line numbers."""


class _NothingChanged(Exception):
    """Every staged row equals the current data: undo the version row."""


def load_actuals(
    conn: psycopg.Connection,
    path: Path,
    *,
    layout: str | None = None,
    mapping: Path | None = None,
    quarantine: bool = False,
    loaded_by: str | None = None,
    today: date | None = None,
    note: str | None = None,
) -> LoadResult:
    """Load daily actuals from a CSV(.gz) file as a new data version (see the module doc)."""
    return _load(conn, Path(path), "actuals", layout, mapping, quarantine, loaded_by, today, note)


def load_plan(
    conn: psycopg.Connection,
    path: Path,
    *,
    layout: str | None = None,
    mapping: Path | None = None,
    quarantine: bool = False,
    loaded_by: str | None = None,
    note: str | None = None,
) -> LoadResult:
    """Load known future flags (promo, open, holidays; no sales) as a new data version."""
    return _load(conn, Path(path), "plan", layout, mapping, quarantine, loaded_by, None, note)


def resolve_layout(
    path: Path, kind: Kind, layout: str | None, mapping: Path | None
) -> tuple[Layout, list[str]]:
    """The layout of ``path`` (mapping file, named, or detected from the header) and its header."""
    header = read_header(path)
    if mapping is not None:
        chosen = read_mapping(Path(mapping), kind)
    elif layout and layout != "auto":
        chosen = named_layout(layout, kind)
    else:
        chosen = detect_layout(path, header, kind)
    check_header(path, header, chosen)
    return chosen, header


def _load(
    conn: psycopg.Connection,
    path: Path,
    kind: Kind,
    layout_name: str | None,
    mapping: Path | None,
    quarantine: bool,
    loaded_by: str | None,
    today: date | None,
    note: str | None,
) -> LoadResult:
    sha256 = file_sha256(path)
    layout, header = resolve_layout(path, kind, layout_name, mapping)
    rules = Rules(
        today=today or date.today() if kind == "actuals" else date.max,
        need_sales=kind == "actuals",
        state_holiday_codes=layout.state_holiday_codes,
    )
    job = _Job(conn, path, sha256, kind, layout, header, rules, quarantine, loaded_by, note)
    started = time.perf_counter()
    with conn.transaction(), advisory_lock(conn, *LOAD_LOCK):
        found = fetch_one(conn, "versions/find_by_sha256", {"sha256": sha256})
        if found:
            return _unchanged(job, f"{path.name}: already loaded as version {found[0]}", found[0], True)
        execute(conn, "actuals/session_settings")
        result = job.run()
    log.info("load finished", extra={"file": str(path), "seconds": round(time.perf_counter() - started, 3)})
    return result


def _unchanged(job: _Job, message: str, version_id: int | None, already: bool, rows: int = 0) -> LoadResult:
    return LoadResult(version_id, already, 0, 0, rows, 0, None, None, message, job.layout.name, rows)


@dataclass
class _Job:
    conn: psycopg.Connection
    path: Path
    sha256: str
    kind: Kind
    layout: Layout
    header: list[str]
    rules: Rules
    quarantine: bool
    loaded_by: str | None
    note: str | None
    _rows: int = 0

    def run(self) -> LoadResult:
        previous_id = latest_version(self.conn)
        if not self.quarantine:
            try:
                with self.conn.transaction():
                    self._stage_fast()
                    return self._apply(previous_id, [])
            except (_Diagnose, *_DATA_ERRORS) as exc:
                log.info("fast path refused, diagnosing", extra={"reason": type(exc).__name__})
            except _NothingChanged as nothing:
                return _unchanged(self, str(nothing), None, False, self._rows)
        problems = diagnose(self.conn, self.path, self.layout, self.header, self.rules)
        if problems and not self.quarantine:
            raise refusal(self.path, problems)
        if problems:
            execute(self.conn, "actuals/drop_problem_lines")
            execute(self.conn, "actuals/drop_summary")
            execute(self.conn, "actuals/summarize_stage", rule_params(self.rules))
        try:
            with self.conn.transaction():
                return self._apply(previous_id, problems)
        except _NothingChanged as nothing:
            return _unchanged(self, str(nothing), None, False, self._rows)
        except _Diagnose:
            raise PlanfactError(f"{self.path}: the diagnosis found no problem the load refused") from None

    def _stage_fast(self) -> None:
        """Typed COPY of the raw bytes, then the one-pass summary and verdict."""
        execute(self.conn, "actuals/create_stage")
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in stage_columns(self.layout, self.header))
        query = sql.SQL(statement("actuals/copy_stage")).format(columns=columns)
        with self.conn.cursor() as cur, cur.copy(query) as copy:
            blocks = iter_chunks(self.path)
            for block in progress(blocks, desc=f"copy {self.path.name}", enabled=sys.stderr.isatty()):
                copy.write(block)
        execute(self.conn, "actuals/summarize_stage", rule_params(self.rules))

    def _apply(self, previous_id: int | None, problems: list[Problem]) -> LoadResult:
        conn = self.conn
        verdict = fetch_one(conn, "actuals/stage_verdict")
        assert verdict is not None
        bad_rows, coarse, rows, period_start, period_end = verdict
        self._rows = int(rows)
        if bad_rows or coarse:
            raise _Diagnose()
        rejected = len({p.line_no for p in problems})
        empty_row = fetch_one(conn, "actuals/target_is_empty") if self.kind == "actuals" else None
        bulk = bool(empty_row and empty_row[0])
        # Everything that can refuse or skip the load comes before the version id is taken.
        if not bulk:
            self._refuse_duplicates()
            check = (
                "actuals/stage_changes_anything"
                if self.kind == "actuals"
                else "actuals/plan_changes_anything"
            )
            changes = fetch_one(conn, check)
            if not (changes and changes[0]):
                raise _NothingChanged(self._nothing_message(rejected))
        elif self._rows == 0:
            raise _NothingChanged(self._nothing_message(rejected))
        version_row = fetch_one(
            conn,
            "versions/insert_version",
            {
                "source_name": self.path.name,
                "sha256": self.sha256,
                "layout": self.layout.name,
                "loaded_by": self.loaded_by,
                "note": self.note,
            },
        )
        assert version_row is not None
        version_id = int(version_row[0])
        execute(conn, "actuals/ensure_series")
        execute(conn, "actuals/ensure_series_rows")
        params = {"version_id": version_id}
        restated = 0
        if bulk:
            written = insert_rebuilding_indexes(conn, "actuals/insert_all", params, self._rows)
            # Every month is new: checksum them all, in one parallel scan of what was stored.
            sums = fetch_all(
                conn, "versions/compute_month_checksums", {"version_id": version_id, "months": None}
            )
        else:
            execute(conn, "actuals/analyze_stage")
            if self.kind == "actuals":
                restated = execute(conn, "actuals/close_restated", params).rowcount
                months = fetch_all(conn, "actuals/insert_changed", params)
            else:
                restated = execute(conn, "actuals/plan_close_restated", params).rowcount
                months = fetch_all(conn, "actuals/plan_insert_changed", params)
            written = sum(int(count) for _month, count in months)
            touched = [month for month, _count in months] if self.kind == "actuals" else []
            sums = fetch_all(
                conn, "versions/compute_month_checksums", {"version_id": version_id, "months": touched}
            )
        if written == 0:  # the change check above makes this unreachable; keep the rule explicit
            raise _NothingChanged(self._nothing_message(rejected))
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
        inserted = written - restated
        unchanged = self._rows - written
        execute(
            conn,
            "versions/finish_version",
            {
                "version_id": version_id,
                "period_start": period_start,
                "period_end": period_end,
                "rows_in_file": self._rows + rejected,
                "rows_inserted": inserted,
                "rows_restated": restated,
                "rows_unchanged": unchanged,
                "rows_rejected": rejected,
            },
        )
        if rejected:
            execute(
                conn, "actuals/insert_rejected", {"version_id": version_id, "source_name": self.path.name}
            )
        _pause_for_tests()
        what = "plan rows" if self.kind == "plan" else "rows"
        message = (
            f"{self.path.name}: loaded as version {version_id} ({self.layout.name}, {period_start} .. "
            f"{period_end}): {inserted} new, {restated} restated, {unchanged} unchanged {what}"
            + (f", {rejected} rejected (see core.rejected_row)" if rejected else "")
        )
        return LoadResult(
            version_id,
            False,
            inserted,
            restated,
            unchanged,
            rejected,
            period_start,
            period_end,
            message,
            self.layout.name,
            self._rows + rejected,
        )

    def _nothing_message(self, rejected: int) -> str:
        refused = f" ({rejected} rows refused, not stored)" if rejected else ""
        return (
            f"{self.path.name}: nothing changed, all {self._rows} rows equal the current data; "
            f"no version created{refused}"
        )

    def _refuse_duplicates(self) -> None:
        found = fetch_one(self.conn, "actuals/stage_has_duplicates")
        if found and found[0]:
            raise _Diagnose()


def _pause_for_tests() -> None:
    """Hold the open transaction for ``PLANFACT_LOAD_PAUSE_SECONDS`` (kill tests only)."""
    seconds = float(os.environ.get(PAUSE_ENV, "0") or 0)
    if seconds > 0:
        print("planfact: load paused before commit (test hook)", file=sys.stderr, flush=True)
        time.sleep(seconds)
