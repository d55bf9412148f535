"""Loads of actuals and planned flags into the cumulatively versioned tables.

One load = one transaction holding the advisory lock ``("data", "load")``, and at most one
new data version, whatever the number of files:

1. every file is fingerprinted and its header checked against its contract before anything
   is read into the database (a file of the wrong kind is refused by its header);
2. a file loaded before (same sha256) whose period nobody restated since is "already
   loaded"; one whose rows may differ from the current data (e.g. the original after a
   restatement) goes on like a new file and is applied again when it changes anything;
3. each file is staged and checked (``staging``): a refused file refuses the whole load; with
   ``quarantine`` its bad lines are kept in ``core.rejected_row`` and the good ones go on, and
   a file without a single good line fails the load (its rejects are kept);
4. the files of a set are combined (a key in two files: the later file wins) and applied as
   one version (``apply``); a load that changes nothing creates no version and says so; a
   plan for a month whose actuals are loaded is refused (``closed``).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
from psycopg import errors

from planfact.actuals.apply import Applied, NothingChanged, apply_stage, keep_rejects
from planfact.actuals.closed import refuse_plans_of_closed_months
from planfact.actuals.contracts import sniff_kind
from planfact.actuals.layouts import Kind, Layout, check_header, detect_layout, named_layout
from planfact.actuals.mapping import read_mapping
from planfact.actuals.outcome import LoadResult, loaded_message, names, nothing_message
from planfact.actuals.source import read_header
from planfact.actuals.staging import SourceFile, StagedFile, stage_file
from planfact.actuals.straight import load_straight
from planfact.actuals.validation import Rules
from planfact.db.locks import advisory_lock
from planfact.db.queries import execute, fetch_one
from planfact.errors import InputError, UsageError
from planfact.hashes import file_sha256, set_sha256
from planfact.stopwatch import lap
from planfact.versions import latest_version

__all__ = ["LoadResult", "load_actuals", "load_plan", "resolve_layout", "LOAD_LOCK", "PAUSE_ENV"]

log = logging.getLogger(__name__)

LOAD_LOCK = ("data", "load")
# Test hook: seconds to sleep after the rows are written and before the commit.
PAUSE_ENV = "PLANFACT_LOAD_PAUSE_SECONDS"
Paths = Path | str | Sequence[Path | str]


@dataclass(frozen=True)
class _Options:
    kind: Kind
    layout: str | None
    mapping: Path | None
    quarantine: bool
    new_series: bool
    loaded_by: str | None
    today: date | None
    note: str | None
    once: bool = False


class _AllRefused(Exception):
    """A quarantine load where a file has no good line: roll back, keep the rejects, fail."""

    def __init__(self, staged: list[StagedFile], failed: StagedFile) -> None:
        super().__init__(str(failed.source.path))
        self.staged = staged
        self.failed = failed


def load_actuals(
    conn: psycopg.Connection,
    paths: Paths,
    *,
    layout: str | None = None,
    mapping: Path | None = None,
    quarantine: bool = False,
    new_series: bool = False,
    loaded_by: str | None = None,
    today: date | None = None,
    note: str | None = None,
    once: bool = False,
) -> LoadResult:
    """Load daily actuals from CSV(.gz) files as one new data version (see the module doc).

    ``new_series``: accept stores and product groups not in the reference data (created bare).
    ``once``: a file loaded before is "already loaded", whatever was restated since (a landing
    folder replays every file on each run: the original of a restated month must not undo it).
    """
    options = _Options("actuals", layout, mapping, quarantine, new_series, loaded_by, today, note, once)
    return _load(conn, paths, options)


def load_plan(
    conn: psycopg.Connection,
    paths: Paths,
    *,
    layout: str | None = None,
    mapping: Path | None = None,
    quarantine: bool = False,
    new_series: bool = False,
    loaded_by: str | None = None,
    note: str | None = None,
    once: bool = False,
) -> LoadResult:
    """Load known future flags (promo, open, holidays; no sales) as one new data version
    (``new_series``, ``once``: as for ``load_actuals``)."""
    options = _Options("plan", layout, mapping, quarantine, new_series, loaded_by, None, note, once)
    return _load(conn, paths, options)


def resolve_layout(
    path: Path, kind: Kind, layout: str | None, mapping: Path | None
) -> tuple[Layout, list[str]]:
    """The layout of ``path`` (mapping file, named, or detected from the header) and its header.

    A mapping declares its own layout: naming one beside it is refused, never ignored."""
    if mapping is not None and layout not in (None, "auto"):
        raise UsageError(
            f"--layout {layout} and --mapping {mapping}: give one of them (a mapping declares the "
            "file's columns itself)"
        )
    header = read_header(path)
    if mapping is not None:
        chosen = read_mapping(Path(mapping), kind)
    elif layout and layout != "auto":
        chosen = named_layout(layout, kind)
    else:
        seen = sniff_kind(header)
        if seen and seen[0] in ("stores", "holidays"):
            raise InputError(
                f"{path}: line 1: the header is {seen[1]}, not {kind}; load it with `planfact load {seen[0]}`"
            )
        chosen = detect_layout(path, header, kind)
    check_header(path, header, chosen)
    return chosen, header


def _as_list(paths: Paths) -> list[Path]:
    if isinstance(paths, str | Path):
        return [Path(paths)]
    listed = [Path(p) for p in paths]
    if not listed:
        raise UsageError("no file to load")
    return listed


def _source(path: Path, options: _Options) -> SourceFile:
    sha256 = file_sha256(path)
    layout, header = resolve_layout(path, options.kind, options.layout, options.mapping)
    rules = Rules(
        today=(options.today or date.today()) if options.kind == "actuals" else None,
        need_sales=options.kind == "actuals",
        holiday=layout.holiday,
        allow_negative=layout.allow_negative,
        new_series=options.new_series,
    )
    return SourceFile(path, sha256, layout, header, rules)


def _load(conn: psycopg.Connection, paths: Paths, options: _Options) -> LoadResult:
    sources = [_source(path, options) for path in _as_list(paths)]
    shas: dict[str, Path] = {}
    for source in sources:
        if source.sha256 in shas:
            raise UsageError(f"{source.path}: the same content as {shas[source.sha256]} (given twice)")
        shas[source.sha256] = source.path
    lap("sha256 and header")
    started = time.perf_counter()
    try:
        with conn.transaction(), advisory_lock(conn, *LOAD_LOCK):
            execute(conn, "actuals/session_settings")
            result = _run(conn, sources, options)
        lap("commit")
    except _AllRefused as refused:
        with conn.transaction():
            kept = keep_rejects(conn, None, refused.staged)
        first = refused.failed.problems[0]
        column = f", column {first.column}" if first.column else ""
        where = (
            f"{kept} rejected rows kept in core.rejected_row"
            if kept
            else "its rejected rows are in core.rejected_row already (the same file was refused before)"
        )
        raise InputError(
            f"{refused.failed.source.path}: line {first.line_no}{column}: {first.reason} (every one of its "
            f"{refused.failed.rejected} rows was refused; {where}, nothing was loaded)"
        ) from None
    log.info(
        "load finished", extra={"files": len(sources), "seconds": round(time.perf_counter() - started, 3)}
    )
    return result


def _run(conn: psycopg.Connection, sources: list[SourceFile], options: _Options) -> LoadResult:
    previous_id = latest_version(conn)
    pending: list[tuple[SourceFile, int | None]] = []
    notes: list[str] = []
    for source in sources:
        seen = _seen_before(conn, source, options.once)
        if seen is not None and seen[1]:
            notes.append(f"{source.path.name}: already loaded as version {seen[0]}")
        else:
            pending.append((source, seen[0] if seen else None))
    if not pending:
        first = fetch_one(conn, "versions/find_by_sha256", {"sha256": sources[0].sha256})
        version = int(first[0]) if first else None
        return LoadResult(
            version,
            True,
            0,
            0,
            0,
            0,
            None,
            None,
            "\n".join(notes),
            sources[0].layout.name,
            files=tuple(s.path.name for s in sources),
        )
    empty = fetch_one(conn, "actuals/target_is_empty") if options.kind == "actuals" else None
    bulk = bool(empty and empty[0])
    lap("lock and version lookups")
    if options.kind == "actuals" and len(pending) == 1:
        straight = _try_straight(conn, pending[0][0], options, bulk=bulk, previous_id=previous_id)
        if straight is not None:
            applied, one = straight
            return _loaded(options, [one], pending, applied, notes)
    staged = _stage_all(conn, pending, options, check_duplicates=not bulk or len(pending) > 1)
    if options.kind == "plan":
        refuse_plans_of_closed_months(conn, [source for source, _previous in pending])
    version_row = _version_row(staged, options)
    try:
        with conn.transaction():
            applied = apply_stage(
                conn, options.kind, staged, bulk=bulk, previous_id=previous_id, version_row=version_row
            )
    except errors.UniqueViolation:  # a key twice in a first (bulk) load: the rebuilt key found it
        staged = _stage_all(conn, pending, options, check_duplicates=True)
        raise InputError(
            f"{staged[0].source.path}: a key appears twice but the diagnosis missed it"
        ) from None
    except NothingChanged:
        keep_rejects(conn, None, staged)
        notes += [nothing_message(staged, pending)]
        resent = pending[0][1] if len(pending) == 1 else None
        return LoadResult(
            resent,
            resent is not None,
            0,
            0,
            sum(s.rows for s in staged),
            sum(s.rejected for s in staged),
            None,
            None,
            "\n".join(notes),
            str(version_row["layout"]),
            sum(s.rows_in_file for s in staged),
            files=tuple(s.source.path.name for s in staged),
        )
    return _loaded(options, staged, pending, applied, notes)


def _version_row(staged: list[StagedFile], options: _Options) -> dict[str, object]:
    return {
        "source_name": names(staged),
        "sha256": staged[0].source.sha256
        if len(staged) == 1
        else set_sha256([s.source.sha256 for s in staged]),
        "layout": ",".join(dict.fromkeys(s.source.layout.name for s in staged)),
        "loaded_by": options.loaded_by,
        "note": options.note,
    }


def _try_straight(
    conn: psycopg.Connection, source: SourceFile, options: _Options, *, bulk: bool, previous_id: int | None
) -> tuple[Applied, StagedFile] | None:
    """The straight path (``straight``) in a savepoint, or None: the staged path takes the file."""
    row = _version_row([StagedFile(source, 0, None, None)], options)
    try:
        with conn.transaction():
            return load_straight(
                conn,
                source,
                empty=bulk,
                new_series=options.new_series,
                previous_id=previous_id,
                version_row=row,
            )
    except errors.UniqueViolation:
        return None  # (not reached: read_clean refuses a key twice) the staging names the duplicate


def _loaded(
    options: _Options,
    staged: list[StagedFile],
    pending: list[tuple[SourceFile, int | None]],
    applied: Applied,
    notes: list[str],
) -> LoadResult:
    _pause_for_tests()
    notes.append(loaded_message(options.kind, staged, pending, applied))
    return LoadResult(
        applied.version_id,
        False,
        applied.inserted,
        applied.restated,
        applied.unchanged,
        sum(s.rejected for s in staged),
        applied.period_start,
        applied.period_end,
        "\n".join(notes),
        ",".join(dict.fromkeys(s.source.layout.name for s in staged)),
        sum(s.rows_in_file for s in staged),
        applied.new_stores,
        applied.new_groups,
        applied.new_series,
        tuple(s.source.path.name for s in staged),
    )


def _seen_before(conn: psycopg.Connection, source: SourceFile, once: bool) -> tuple[int, bool] | None:
    """(version that loaded the file, whether it counts as loaded: surely still equal to the
    current data, or ``once``), or None for a file never loaded."""
    row = fetch_one(conn, "versions/find_by_sha256", {"sha256": source.sha256})
    if row is None:
        return None
    version_id, period_start, period_end, files = row
    if once:
        return int(version_id), True
    if files != 1:
        return int(version_id), False  # a later file of its set may have overridden some rows
    params = {"version_id": version_id, "period_start": period_start, "period_end": period_end}
    current = fetch_one(conn, "versions/file_still_current", params)
    return int(version_id), bool(current and current[0])


def _stage_all(
    conn: psycopg.Connection,
    pending: list[tuple[SourceFile, int | None]],
    options: _Options,
    *,
    check_duplicates: bool,
) -> list[StagedFile]:
    """Stage every file; a set is combined into one stage (the later file wins a shared key)."""
    alone = len(pending) == 1
    staged: list[StagedFile] = []
    for number, (source, _previous) in enumerate(pending, start=1):
        result = stage_file(
            conn, source, quarantine=options.quarantine, check_duplicates=check_duplicates, alone=alone
        )
        staged.append(result)
        if result.rows == 0:
            if result.problems:
                raise _AllRefused(staged, result)
            raise InputError(f"{source.path}: line 2: no data rows after the header (nothing was loaded)")
        if not alone:
            if number == 1:
                execute(conn, "actuals/create_set_stage")
            execute(conn, "actuals/append_set_stage", {"file_no": number})
    if not alone:
        execute(conn, "actuals/combine_set_stage")
    return staged


def _pause_for_tests() -> None:
    """Hold the open transaction for ``PLANFACT_LOAD_PAUSE_SECONDS`` (kill tests only)."""
    seconds = float(os.environ.get(PAUSE_ENV, "0") or 0)
    if seconds > 0:
        print("planfact: load paused before commit (test hook)", file=sys.stderr, flush=True)
        time.sleep(seconds)
