"""Render a month's report files and record them: the task-level entry point of the reports.

Reads the mart (``planfact.reporting.data``), renders with the ``reports`` package and
records every file in ``forecast.report``. Files are written under temporary names first;
the registry rows are inserted and the files renamed into place in one transaction, so a
failure leaves neither a half-written file under the final name nor a registry row
without its file.

Registered files are immutable: each rendering gets a name of its own,
``plan_fact_YYYY-MM_v<actuals data version>.<fmt>`` (``…_v<N>_2``, ``_3`` … when that
name is taken, e.g. a re-render with another tolerance), so a registered path never
changes content under its sha256. The stable name ``plan_fact_YYYY-MM.<fmt>`` (what finance
bookmarks) is then pointed at the newest file: a hard link swapped in atomically (a copy
where the file system has no links). It is not registered itself, unless an older release
registered it: then it is left alone.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import psycopg

from planfact.calendars import use_calendar
from planfact.config import Settings
from planfact.db.connect import connect
from planfact.db.locks import advisory_lock
from planfact.db.server import resolve_url
from planfact.errors import UsageError
from planfact.folders import output_folder
from planfact.hashes import file_sha256
from planfact.periods import parse_period
from planfact.reporting.registry import is_registered, record_report
from planfact.temporaries import remove_own_temporaries, sweep_temporaries, temporary_suffix
from reports.renderer import FORMATS, check_formats, render_files, report_path

__all__ = ["render_month_report", "versioned_path", "point_latest"]

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
    from planfact.calendars import installation_calendar
    from planfact.reporting.data import load_report_data, report_units

    calendar = installation_calendar(settings)
    target = parse_period(month, calendar)
    try:
        chosen = check_formats(formats)
    except ValueError as exc:
        raise UsageError(f"--format: {exc}") from None
    tol = settings.variance_tolerance if tolerance is None else tolerance
    if not 0 <= tol < 1:
        raise UsageError(f"bad tolerance {tol}: expected a fraction in [0, 1), e.g. 0.02 for ±2%")
    out = output_folder(Path(out_dir or settings.report_dir), "--out" if out_dir else "PLANFACT_REPORT_DIR")
    url = resolve_url(settings)
    with connect(url) as conn:
        from planfact.runs.lease import sweep

        use_calendar(conn, settings)
        sweep(conn, settings, url, month=target)
        _refresh_when_behind(conn, target, forced=refresh_mart)
        data = load_report_data(
            conn,
            target,
            tolerance=tol,
            drill_level=drill_level,
            allow_partial=allow_partial,
            bridge_level=bridge_level or settings.report_bridge_level,
            units=report_units(settings, currency=currency, scale=scale),
            calendar=calendar,
        )
        sweep_temporaries(out)  # (the leftovers of killed renders)
        try:
            temporary = render_files(data, out, chosen, suffix=temporary_suffix())
        except BaseException:
            remove_own_temporaries(out)  # (a format written before another failed)
            raise
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
                    path = versioned_path(conn, out, target, fmt, data.lineage.actuals_data_version)
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
                for path in final:
                    point_latest(conn, path, report_path(out, target, path.suffix[1:]).resolve())
        finally:
            remove_own_temporaries(out)  # (the renamed ones are gone; a swap left by a failure)
    log.info(
        "report rendered",  # the registered (immutable) files; the stable names point at them
        extra={
            "month": f"{target:%Y-%m}",
            "files": [str(p) for p in final],
            "plan_run_id": data.lineage.plan_run_id,
            "data_version": data.lineage.actuals_data_version,
        },
    )
    return final


def _refresh_when_behind(conn: psycopg.Connection, month: date, *, forced: bool) -> None:
    """Refresh the mart when asked (``--refresh-mart``) or when it is behind the data of
    ``month``'s report (``planfact.reporting.freshness``), and commit it at once: a report refused
    afterwards (incomplete actuals, no actuals yet) keeps the refresh the next command reads."""
    from planfact.mart import refresh_mart
    from planfact.reporting.freshness import mart_behind

    conn.commit()  # the sweep stands on its own; the check reads in a transaction of its own
    reason = "--refresh-mart" if forced else mart_behind(conn, month)
    conn.commit()
    if reason is None:
        return
    log.info("refreshing the mart before the report", extra={"month": f"{month:%Y-%m}", "reason": reason})
    try:
        refresh_mart(conn)
    except psycopg.errors.InsufficientPrivilege:
        if forced:
            raise
        # A role that may read the mart but not refresh it (planfact_reader): the report's own
        # freshness check then names the refresh the owner has to run.
        conn.rollback()
        log.warning("the mart is behind but this role cannot refresh it", extra={"reason": reason})
        return
    conn.commit()


def versioned_path(conn: psycopg.Connection, out: Path, month: date, fmt: str, data_version: int) -> Path:
    """A file name no registered report and no file has: ``plan_fact_YYYY-MM_v<N>[_<k>].<fmt>``.

    Call holding the month's report lock (the registry is the arbiter of taken names).
    """
    stem = f"plan_fact_{month:%Y-%m}_v{data_version}"
    for k in range(1, 10_000):
        path = (out / (f"{stem}.{fmt}" if k == 1 else f"{stem}_{k}.{fmt}")).resolve()
        if not path.exists() and not is_registered(conn, path):
            return path
    raise UsageError(f"{out}: no free report name for {stem}")  # pragma: no cover (10,000 renders)


def point_latest(conn: psycopg.Connection, target: Path, latest: Path) -> None:
    """Make ``latest`` (the stable name) show ``target``: a hard link swapped in atomically,
    else a copy; never when ``latest`` is itself a registered file (an older release's name)."""
    if is_registered(conn, latest):
        log.warning("stable report name left alone: it is a registered file",
                    extra={"path": str(latest), "newest": str(target)})
        return
    swap = latest.with_name(f".{latest.name}{temporary_suffix()}")
    swap.unlink(missing_ok=True)
    try:
        os.link(target, swap)
    except OSError:  # no hard links here (some network file systems): a copy
        shutil.copyfile(target, swap)
    os.replace(swap, latest)
