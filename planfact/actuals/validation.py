"""Validation of a source file: the row rules and the diagnosis of a refused file.

A clean file never comes here: the loader stages it with one typed ``COPY`` and checks the
rules with one aggregate (``summarize_stage``). Only when that finds a problem, or the typed
``COPY`` itself fails, does ``diagnose`` stage the file again as numbered text lines and list
every problem with its line and column, set-based in SQL:

- malformed records (wrong number of fields) — found by the csv reader;
- values that do not parse (dates, numbers, flags) — ``diagnose_parse``;
- row rules (empty key, date in the future or outside the calendar, NaN or negative sales
  where the layout declares no returns, a flag outside its domain, ...) —
  ``core.actuals_row_problem``, the same function the fast path aggregates;
- stores and product groups not in the reference data, unless new ones are accepted —
  ``diagnose_unknown_keys``;
- keys repeated within the file — ``diagnose_duplicates``;
- series with weekly or monthly dates in a daily layout (mixed frequencies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql

from planfact.actuals.layouts import HolidayFlag, Layout
from planfact.actuals.source import iter_records
from planfact.db.queries import execute, fetch_all, statement
from planfact.errors import InputError

__all__ = ["Rules", "Problem", "Unknown", "diagnose", "refusal", "rule_params", "stage_columns"]


@dataclass(frozen=True)
class Rules:
    """Parameters of the row rules: what counts as the future (None: no limit but the calendar),
    whether sales are required, may be negative, how the holiday flag reads, whether stores and
    product groups outside the reference data are accepted."""

    today: date | None
    need_sales: bool
    holiday: HolidayFlag
    allow_negative: bool = False
    new_series: bool = False


@dataclass(frozen=True)
class Unknown:
    """Stores and product groups of a file that the reference data lack."""

    stores: tuple[str, ...]
    groups: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.stores or self.groups)

    def describe(self) -> str:
        parts = []
        for label, ids in (("store", self.stores), ("product group", self.groups)):
            if ids:
                shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
                parts.append(f"{len(ids)} unknown {label}{'s' if len(ids) != 1 else ''}: {shown}")
        hint = "`planfact load stores FILE` adds stores, " if self.stores else ""
        return "; ".join(parts) + f": {hint}--new-stores creates the unknown ones bare"


@dataclass(frozen=True)
class Problem:
    """One bad value or record: file line (1 is the header), header column, reason."""

    line_no: int
    column: str | None
    reason: str
    raw_line: str | None


def rule_params(rules: Rules) -> dict[str, object]:
    """Bind parameters of the statements that call core.actuals_row_problem."""
    codes = list(rules.holiday.codes) if rules.holiday.codes is not None else None
    return {
        "today": rules.today,
        "need_sales": rules.need_sales,
        "codes": codes,
        "none": rules.holiday.none,
        "allow_negative": rules.allow_negative,
        "new_series": rules.new_series,
    }


def stage_columns(layout: Layout, header: list[str]) -> list[str]:
    """The staging column of each file column, in file order (unloaded ones get spare columns)."""
    spare = iter(f"ignored_{i}" for i in range(1, 5))
    return [layout.columns.get(name) or next(spare) for name in header]


def diagnose(
    conn: psycopg.Connection, path: Path, layout: Layout, header: list[str], rules: Rules
) -> list[Problem]:
    """Stage the file as numbered text, list every problem (first line first).

    Leaves the typed stage ``actuals_stage`` holding every record that parsed, with its line
    number, and ``load_series`` summarising it, so a quarantine load can go on from here.
    """
    columns = stage_columns(layout, header)
    execute(conn, "actuals/create_stage")
    execute(conn, "actuals/create_text_stage")
    malformed: list[Problem] = []
    unreadable: list[tuple[int, str | None, str, str]] = []
    width = len(header)
    target = sql.SQL(", ").join(sql.Identifier(c) for c in ["line_no", "raw_line", *columns])
    with (
        conn.cursor() as cur,
        cur.copy(sql.SQL(statement("actuals/copy_text_stage")).format(columns=target)) as copy,
    ):
        for line_no, fields, raw in iter_records(path, header, unreadable):
            if len(fields) != width:
                reason = f"expected {width} fields, found {len(fields)}"
                malformed.append(Problem(line_no, None, reason, raw))
                continue
            copy.write_row((line_no, raw, *[value if value != "" else None for value in fields]))
    malformed += [Problem(*bad) for bad in unreadable]
    if malformed:
        with conn.cursor() as cur, cur.copy(statement("actuals/copy_problems")) as copy:
            for problem in malformed:
                copy.write_row((problem.line_no, problem.column, problem.reason, problem.raw_line))
    params = rule_params(rules)
    execute(conn, "actuals/diagnose_parse")
    execute(conn, "actuals/stage_from_text")
    execute(conn, "actuals/summarize_stage", params)
    execute(conn, "actuals/diagnose_rows", params)
    if not rules.new_series:
        execute(conn, "actuals/diagnose_unknown_keys")
    execute(conn, "actuals/diagnose_duplicates")
    execute(conn, "actuals/diagnose_frequency")
    logical = list(layout.columns.values())
    execute(conn, "actuals/rename_problem_columns", {"logical": logical, "file": list(layout.columns)})
    rows = fetch_all(conn, "actuals/problems")
    return [Problem(int(r[0]), r[1], str(r[2]), r[3]) for r in rows]


def refusal(
    path: Path, problems: list[Problem], unknown: Unknown | None = None, *, alone: bool = True
) -> InputError:
    """The one-line error for a refused file: the first problem, the unknown stores and groups
    if any, how many other rows are bad, and what was loaded (``alone``: the file was the
    whole load, else one file of a set that loads together)."""
    first = problems[0]
    others = len({p.line_no for p in problems}) - 1
    column = f", column {first.column}" if first.column else ""
    more = f"{others} other bad row{'s' if others != 1 else ''}"
    listed = f"; {unknown.describe()}" if unknown else ""
    scope = "the file was not loaded" if alone else "none of the files was loaded: they load together"
    return InputError(
        f"{path}: line {first.line_no}{column}: {first.reason}{listed} ({more}; {scope}, "
        "--quarantine loads the good rows)"
    )
