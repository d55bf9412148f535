"""The mart's data tests: dbt-style checks kept beside the views in ``sql/mart/tests/``.

The views and the export function live in ``sql/mart/`` (created by migrations). Data tests
live beside them in ``sql/mart/tests/``, in the style of dbt:

- one ``<view>.toml`` per view declares generic tests: ``grain`` (unique), ``not_null``,
  ``finite`` (no NaN or infinite measure), ``accepted_values``, ``relationships`` and
  ``expressions`` that must hold on every row;
- each ``<name>.sql`` is a singular test: a query returning the offending rows, with
  ``-- view:`` and ``-- test:`` header lines (e.g. a monthly total equals the sum of its days).

A test passes when it returns no rows. A failure names the view, the test, the number of
offending rows and a sample of up to 5; ``severity = "warn"`` reports without failing.
"""

from __future__ import annotations

import logging
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib.resources.abc import Traversable
from typing import Any

import psycopg
from psycopg import sql

from planfact.db.objects import live_objects, object_kind_and_name
from planfact.db.queries import execute, sql_root, statement
from planfact.errors import PlanfactError

__all__ = [
    "TESTS_DIR",
    "DataTest",
    "DataTestResult",
    "DataTestFailure",
    "load_data_tests",
    "evaluate_data_tests",
    "run_data_tests",
    "check_mart",
]

log = logging.getLogger(__name__)

# Data tests run view by view in the order the data flows (sql/objects.toml's order).
VIEW_ORDER: tuple[str, ...] = tuple(name for _kind, name in map(object_kind_and_name, live_objects("mart")))
TESTS_DIR = sql_root().joinpath("mart", "tests")
SAMPLE_SIZE = 5
_HEADER = re.compile(r"^--\s*(view|test|severity):\s*(\S+)\s*$", re.MULTILINE)


def _identifier(qualified: str) -> sql.Identifier:
    return sql.Identifier(*qualified.split("."))


def _columns(names: list[str]) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


@dataclass(frozen=True)
class DataTest:
    """One data test: a query returning the offending rows of ``view``."""

    view: str
    name: str
    query: sql.Composable
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"


@dataclass(frozen=True)
class DataTestResult:
    """The outcome of one data test; ``failing_rows`` 0 means it passed."""

    view: str
    test: str
    severity: str
    failing_rows: int
    sample: list[dict[str, Any]]
    seconds: float
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.failing_rows == 0 and self.error is None

    @property
    def status(self) -> str:
        if self.passed:
            return "pass"
        return "warn" if self.severity == "warn" else "fail"

    def describe(self) -> str:
        """One line: view, test, count and sample of offending rows (or the SQL error)."""
        if self.error:
            return f"{self.view} {self.test}: could not run: {self.error}"
        shown = "; ".join(_format_row(r) for r in self.sample)
        return f"{self.view} {self.test}: {self.failing_rows} offending row(s), e.g. {shown}"


# The contract's name for a failed test (run_data_tests returns these).
DataTestFailure = DataTestResult


def _format_value(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return f"{float(value):.6g}"
    return str(value)


def _format_row(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={_format_value(v)}" for k, v in row.items()) + "}"


def _generic_tests(path: Traversable) -> Iterator[DataTest]:
    """The tests declared in one ``<view>.toml`` file."""
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PlanfactError(f"{path}: not valid TOML: {exc}") from None
    view = spec.get("view")
    if not isinstance(view, str) or "." not in view:
        raise PlanfactError(f"{path}: 'view' must name a schema-qualified view")
    target = _identifier(view)
    grain: list[str] = list(spec.get("grain", []))
    if grain:
        query = sql.SQL(statement("mart/test_unique")).format(view=target, columns=_columns(grain))
        yield DataTest(view, f"unique({', '.join(grain)})", query)
    for column in spec.get("not_null", []):
        show = _columns(list(dict.fromkeys([*grain, column])))
        query = sql.SQL(statement("mart/test_not_null")).format(
            view=target, column=sql.Identifier(column), show=show
        )
        yield DataTest(view, f"not_null({column})", query)
    for column in spec.get("finite", []):
        show = _columns(list(dict.fromkeys(grain)) or [column])
        query = sql.SQL(statement("mart/test_finite")).format(
            view=target, column=sql.Identifier(column), show=show
        )
        yield DataTest(view, f"finite({column})", query)
    for column, values in spec.get("accepted_values", {}).items():
        query = sql.SQL(statement("mart/test_accepted_values")).format(
            view=target, column=sql.Identifier(column)
        )
        yield DataTest(view, f"accepted_values({column})", query, {"values": [str(v) for v in values]})
    for rel in spec.get("relationships", []):
        query = sql.SQL(statement("mart/test_relationships")).format(
            view=target,
            column=sql.Identifier(rel["column"]),
            to=_identifier(rel["to"]),
            field=sql.Identifier(rel["field"]),
        )
        yield DataTest(view, f"relationships({rel['column']} -> {rel['to']}.{rel['field']})", query)
    for expr in spec.get("expressions", []):
        # Expressions are SQL written in our own tests files under sql/, never user input.
        query = sql.SQL(statement("mart/test_expression")).format(
            view=target, expression=sql.SQL(expr["expression"]), show=_columns(expr.get("show", grain))
        )
        yield DataTest(view, f"expression({expr['name']})", query, severity=expr.get("severity", "error"))


def _singular_test(path: Traversable) -> DataTest:
    """A ``<name>.sql`` test; its header names the view, the test and optionally the severity."""
    text = path.read_text(encoding="utf-8")
    header = {key: value for key, value in _HEADER.findall(text)}
    if "view" not in header or "test" not in header:
        raise PlanfactError(f"{path}: a data test needs '-- view:' and '-- test:' header lines")
    return DataTest(header["view"], header["test"], sql.SQL(text), severity=header.get("severity", "error"))


def load_data_tests(tests_dir: Traversable = TESTS_DIR) -> list[DataTest]:
    """Every data test in ``tests_dir``, grouped by view in data-flow order."""
    files = sorted(tests_dir.iterdir(), key=lambda f: f.name)
    tests = [t for p in files if p.name.endswith(".toml") for t in _generic_tests(p)]
    tests += [_singular_test(p) for p in files if p.name.endswith(".sql")]
    rank = {view: i for i, view in enumerate(VIEW_ORDER)}
    return sorted(tests, key=lambda t: (rank.get(t.view, len(rank)), t.view))


def _run_one(conn: psycopg.Connection, test: DataTest) -> DataTestResult:
    started = time.perf_counter()
    wrapped = sql.SQL(statement("mart/test_sample")).format(test=test.query)
    try:
        with conn.transaction():
            cur = conn.execute(wrapped, test.params or None)
            names = [c.name for c in cur.description or []]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return DataTestResult(test.view, test.name, "error", 0, [], time.perf_counter() - started, message)
    failing = int(rows[0].pop("failing_rows")) if rows else 0
    for row in rows[1:]:
        row.pop("failing_rows")
    return DataTestResult(test.view, test.name, test.severity, failing, rows, time.perf_counter() - started)


def evaluate_data_tests(
    conn: psycopg.Connection,
    *,
    tests: list[DataTest] | None = None,
    on_result: Callable[[DataTestResult], None] | None = None,
) -> list[DataTestResult]:
    """Run every data test (read-only, one transaction); the result of each, pass or not."""
    results: list[DataTestResult] = []
    outermost = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with conn.transaction():
        if outermost:
            execute(conn, "mart/read_only")
        execute(conn, "mart/batch_settings")
        for test in tests if tests is not None else load_data_tests():
            result = _run_one(conn, test)
            log.info("data test", extra={"view": result.view, "test": result.test, "status": result.status})
            results.append(result)
            if on_result:
                on_result(result)
    return results


def run_data_tests(conn: psycopg.Connection, **kwargs: Any) -> list[DataTestFailure]:
    """The tests that did not pass (errors and warnings; see ``DataTestResult.severity``)."""
    return [r for r in evaluate_data_tests(conn, **kwargs) if not r.passed]


def check_mart(conn: psycopg.Connection) -> None:
    """Raise PlanfactError naming each failed test and sample rows; warnings only log."""
    failures = run_data_tests(conn)
    for warning in (f for f in failures if f.severity == "warn"):
        log.warning("data test warning: %s", warning.describe())
    errors = [f for f in failures if f.severity != "warn"]
    if errors:
        raise PlanfactError(
            f"{len(errors)} mart data test(s) failed: " + " | ".join(e.describe() for e in errors)
        )
