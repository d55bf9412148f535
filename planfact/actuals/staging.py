"""Staging one source file: typed COPY, the row rules in one pass, and the diagnosis when needed.

``stage_file`` leaves ``pg_temp.actuals_stage`` holding the file's good rows (the holiday flag
in its stored form) and ``pg_temp.load_series`` summarising them, or raises the one-line
InputError of a refused file:

1. fast path: one typed ``COPY`` of the raw bytes in a savepoint, one aggregate over it (row
   rules, frequency, stores and groups outside the reference data, and duplicates when asked);
2. anything wrong, a ``COPY`` that fails or a gzip stream that breaks: the savepoint is rolled
   back and ``validation.diagnose`` stages the file again as numbered text lines, naming line
   and column of every problem; with ``quarantine`` the bad lines leave the stage and the
   good ones go on.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg
from psycopg import errors, sql

from forecasting.progress import progress
from planfact.actuals.layouts import Layout
from planfact.actuals.source import READ_ERRORS, iter_chunks
from planfact.actuals.validation import Problem, Rules, Unknown, diagnose, refusal, rule_params, stage_columns
from planfact.db.queries import execute, fetch_one, statement
from planfact.errors import InputError

__all__ = ["SourceFile", "StagedFile", "stage_file", "DATA_ERRORS"]

log = logging.getLogger(__name__)

# The errors a typed COPY or an insert raise for bad data: diagnose instead of failing.
DATA_ERRORS = (errors.DataError, errors.UniqueViolation, errors.CheckViolation, errors.NotNullViolation)


@dataclass(frozen=True)
class SourceFile:
    """One file of a load: where it is, its fingerprint, layout, header and rules."""

    path: Path
    sha256: str
    layout: Layout
    header: list[str]
    rules: Rules


@dataclass
class StagedFile:
    """What staging found: the good rows now staged, the problems of the refused lines."""

    source: SourceFile
    rows: int
    period_start: date | None
    period_end: date | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({p.line_no for p in self.problems})

    @property
    def rows_in_file(self) -> int:
        return self.rows + self.rejected


# The stage columns a typed COPY fills with the file's text (the stage casts them by rule).
_AS_TEXT = {
    "sale_date": "sale_day",
    "sales": "sales_text",
    "customers": "customers_text",
    "day_of_week": "day_of_week_text",
}


class _Diagnose(Exception):
    """The fast path found a problem: stage again with line numbers."""


def stage_file(
    conn: psycopg.Connection,
    source: SourceFile,
    *,
    quarantine: bool,
    check_duplicates: bool,
    alone: bool = True,
) -> StagedFile:
    """Stage ``source`` (see the module doc); ``alone`` words a refusal for a one-file load."""
    params = rule_params(source.rules)
    if not quarantine:
        try:
            with conn.transaction():
                _copy_fast(conn, source)
                execute(conn, "actuals/summarize_stage", params)
                staged = _verdict(conn, source, params)
                if check_duplicates and _has_duplicates(conn):
                    raise _Diagnose()
                _normalize(conn, source)
                return staged
        except (_Diagnose, *DATA_ERRORS, *READ_ERRORS) as exc:  # type: ignore[misc]
            log.info(
                "fast path refused, diagnosing",
                extra={"file": str(source.path), "reason": type(exc).__name__},
            )
    problems = diagnose(conn, source.path, source.layout, source.header, source.rules)
    if problems and not quarantine:
        unknown = None if source.rules.new_series else _unknown(conn)
        raise refusal(source.path, problems, unknown, alone=alone)
    if problems:
        execute(conn, "actuals/drop_problem_lines")
        execute(conn, "actuals/drop_summary")
        execute(conn, "actuals/summarize_stage", params)
    try:
        staged = _verdict(conn, source, params, diagnosed=True)
    except _Diagnose:  # the diagnosis names every problem the fast path finds
        raise InputError(f"{source.path}: the diagnosis found no problem the load refused") from None
    staged.problems = problems
    _normalize(conn, source)
    return staged


def _copy_fast(conn: psycopg.Connection, source: SourceFile) -> None:
    """Typed COPY of the raw bytes into a fresh stage."""
    execute(conn, "actuals/create_stage")
    # (the date and the numbers go in as text: the stage reads them by the file rules, see create_stage)
    names = [_AS_TEXT.get(c, c) for c in stage_columns(source.layout, source.header)]
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in names)
    query = sql.SQL(statement("actuals/copy_stage")).format(columns=columns)
    with conn.cursor() as cur, cur.copy(query) as copy:
        blocks = iter_chunks(source.path)
        for block in progress(blocks, desc=f"copy {source.path.name}", enabled=sys.stderr.isatty()):
            copy.write(block)


def _verdict(
    conn: psycopg.Connection, source: SourceFile, params: dict[str, object], *, diagnosed: bool = False
) -> StagedFile:
    row = fetch_one(conn, "actuals/stage_verdict", params)
    assert row is not None
    bad_rows, coarse, rows, period_start, period_end, unknown = row
    if bad_rows or coarse or unknown:
        raise _Diagnose()
    if rows == 0 and not diagnosed:
        raise _Diagnose()  # an empty stage: the diagnosis tells a header-only file from bad lines
    return StagedFile(source, int(rows), period_start, period_end)


def _has_duplicates(conn: psycopg.Connection) -> bool:
    found = fetch_one(conn, "actuals/stage_has_duplicates")
    return bool(found and found[0])


def _unknown(conn: psycopg.Connection) -> Unknown | None:
    row = fetch_one(conn, "actuals/unknown_keys")
    found = Unknown(tuple(row[0]), tuple(row[1])) if row else None
    return found or None


def _normalize(conn: psycopg.Connection, source: SourceFile) -> None:
    """The holiday flag in its stored form, where it is not already (codes with '0' = none)."""
    flag = source.layout.holiday
    if "state_holiday" not in source.layout.columns.values():
        return
    if flag.codes is not None and flag.none == "0":
        return
    execute(conn, "actuals/normalize_stage", rule_params(source.rules))
