"""Render a month's report files and record them: the task-level entry point of the reports.

Reads the mart (``planfact.reporting.data``), renders with the ``reports`` package and
records every file in ``forecast.report``. Files are written under temporary names first;
the registry rows are inserted and the files renamed into place in one transaction, so a
failure leaves neither a half-written file under the final name nor a registry row
without its file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from planfact.config import Settings
from planfact.db.connect import connect
from planfact.db.locks import advisory_lock
from planfact.db.server import resolve_url
from planfact.errors import UsageError
from planfact.hashes import file_sha256
from planfact.periods import parse_month
from planfact.reporting.registry import record_report
from reports.renderer import FORMATS, check_formats, render_files, report_path

__all__ = ["render_month_report"]

log = logging.getLogger(__name__)


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
    bridge_level: str | None = None,
    currency: str | None = None,
    scale: str | None = None,
) -> list[Path]:
    """Render the plan-vs-actual report of ``month`` and record every file; returns the paths."""
    from planfact.reporting.data import load_report_data, report_units

    target = parse_month(month)
    chosen = check_formats(formats)
    tol = settings.variance_tolerance if tolerance is None else tolerance
    if not 0 <= tol < 1:
        raise UsageError(f"bad tolerance {tol}: expected a fraction in [0, 1), e.g. 0.02 for ±2%")
    out = Path(out_dir or settings.report_dir)
    with connect(resolve_url(settings)) as conn:
        if refresh_mart:
            from planfact.mart import refresh_mart as refresh

            refresh(conn)
        data = load_report_data(
            conn,
            target,
            tolerance=tol,
            drill_level=drill_level,
            allow_partial=allow_partial,
            bridge_level=bridge_level or settings.report_bridge_level,
            units=report_units(settings, currency=currency, scale=scale),
        )
        temp_suffix = f".tmp{os.getpid()}"
        temporary = render_files(data, out, chosen, suffix=temp_suffix)
        params = {
            "tolerance": tol,
            "formats": list(chosen),
            "drill_level": data.drill_level,
            "chart_level": data.chart_level,
            "bridge_level": data.bridge_level,
            "units": data.units.label,
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
