"""Render a month's report files and record them: the task-level entry point of the reports.

Files are written under temporary names first; the registry rows are inserted and the
files renamed into place in one transaction, so a failure leaves neither a half-written
file under the final name nor a registry row without its file. Re-running is safe: it
replaces the files and records the new renders.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from forecasting.database import advisory_lock, connect, resolve_url
from forecasting.errors import UsageError
from forecasting.settings import Settings
from reports.model import ReportData
from reports.registry import file_sha256, record_report

__all__ = ["FORMATS", "parse_month", "report_path", "render_files", "render_month_report"]

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "html")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")


def parse_month(value: str | date) -> date:
    """'2015-07' (or a date) -> date(2015, 7, 1); a bad value raises UsageError naming it."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UsageError(f"bad month {value!r}: expected YYYY-MM, e.g. 2015-07")
    return date(int(match.group(1)), int(match.group(2)), 1)


def report_path(out_dir: Path, month: date, fmt: str) -> Path:
    """``<out_dir>/plan_fact_YYYY-MM.<fmt>``."""
    return out_dir / f"plan_fact_{month:%Y-%m}.{fmt}"


def _check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(
            f"bad report format {', '.join(unknown) or '(none)'}: choose from {', '.join(FORMATS)}"
        )
    return chosen


def render_files(
    data: ReportData, out_dir: Path, formats: Sequence[str] = FORMATS, *, suffix: str = ""
) -> list[Path]:
    """Write the report of ``data`` in each format (file name + ``suffix``); no database."""
    from reports.excel import write_workbook
    from reports.html import write_html

    writers = {"xlsx": write_workbook, "html": write_html}
    paths = []
    for fmt in _check_formats(formats):
        target = report_path(out_dir, data.month, fmt)
        paths.append(writers[fmt](data, target.with_name(target.name + suffix)))
    return paths


def render_month_report(
    settings: Settings,
    month: date | str,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = FORMATS,
    tolerance: float | None = None,
    drill_level: str | None = None,
    allow_partial: bool = False,
    refresh_mart: bool = False,
) -> list[Path]:
    """Render the plan-vs-actual report of ``month`` and record every file; returns the paths."""
    from reports.data import load_report_data

    target = parse_month(month)
    chosen = _check_formats(formats)
    tol = settings.variance_tolerance if tolerance is None else tolerance
    if not 0 <= tol < 1:
        raise UsageError(f"bad tolerance {tol}: expected a fraction in [0, 1), e.g. 0.02 for ±2%")
    out = Path(out_dir or settings.report_dir)
    with connect(resolve_url(settings)) as conn:
        if refresh_mart:
            from forecasting.mart import refresh_mart as refresh

            refresh(conn)
        data = load_report_data(
            conn, target, tolerance=tol, drill_level=drill_level, allow_partial=allow_partial
        )
        temp_suffix = f".tmp{os.getpid()}"
        temporary = render_files(data, out, chosen, suffix=temp_suffix)
        params = {
            "tolerance": tol,
            "formats": list(chosen),
            "drill_level": data.drill_level,
            "chart_level": data.chart_level,
            "allow_partial": allow_partial,
            "missing_days": [d.isoformat() for d in data.missing_days],
            "generated_at": data.lineage.generated_at.isoformat(),
        }
        final: list[Path] = []
        try:
            with conn.transaction(), advisory_lock(conn, "report", f"{target:%Y-%m}"):
                for fmt, temp in zip(chosen, temporary, strict=True):
                    path = report_path(out, target, fmt).resolve()
                    record_report(
                        conn,
                        month=target,
                        fmt=fmt,
                        plan_run_id=data.lineage.plan_run_id,
                        data_version=data.lineage.actuals_data_version,
                        path=path,
                        sha256=file_sha256(temp),
                        params=params,
                    )
                    os.replace(temp, path)
                    final.append(path)
        finally:
            for temp in temporary:
                temp.unlink(missing_ok=True)
    log.info(
        "report rendered",
        extra={
            "month": f"{target:%Y-%m}",
            "files": [str(p) for p in final],
            "plan_run_id": data.lineage.plan_run_id,
            "data_version": data.lineage.actuals_data_version,
        },
    )
    return final
