"""The monthly job as task-sized steps: what the Airflow DAG and ``planfact demo`` call.

One run for a closed month M: land the actuals of M, refresh and test the mart, render
the plan-vs-actual report of M, forecast M+1 over N shards, finalize it as the plan of
record, and send a one-line summary. Every step takes ids and periods (a month is
``'YYYY-MM'`` or the date of its first day) and returns ids, paths or text, never
DataFrames, and every step is safe to run again: a second run of the same month loads
nothing, reuses the succeeded forecast and keeps the report it already rendered.

Running a month again is a function of that month alone, whatever landed since: the data
version it passes on is the one as of the month's close (``versions.version_as_of_month``),
so the forecast of M+1 is the one that could have been made then (the same inputs: the
succeeded run is reused); a month whose plan is frozen (its actuals are loaded) gets no new
production run; the report is kept while the month's own actuals are unchanged, and a new
one is a new file (registered files never change).

Landing folder (``PLANFACT_LANDING_DIR``), file names (``.csv`` or ``.csv.gz``; the
layout of the contents is detected by the loader):

- ``actuals_YYYY-MM[_suffix].csv`` — daily actuals up to and including month YYYY-MM. It
  must hold rows of that month and may hold earlier ones (a history backfill or a
  restatement, e.g. ``actuals_2015-07_restated.csv``). The run for M loads every such
  file named M or earlier that is not loaded yet (the same content is never loaded
  twice: the loader keys data versions by the file's SHA-256).
- ``plan_YYYY-MM[_suffix].csv`` — known exogenous values (promo, open, holiday flags)
  of month YYYY-MM, no sales; the run for M loads those named M+1 or earlier (one for a
  month whose actuals are loaded already is skipped with a warning: ``actuals.closed``).
- ``stores[_suffix].csv``, ``holidays[_suffix].csv`` — reference data, upserted first.

Write a file under another name (``*.part``) and rename it when complete: only the
names above are picked up, so a half-copied file is never loaded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from forecasting.calendar import Calendar, MonthCalendar
from planfact.calendars import installation_calendar, period_label, use_calendar
from planfact.config import Settings, load_settings
from planfact.db.connect import connect
from planfact.db.queries import execute, fetch_all, fetch_one
from planfact.db.server import resolve_url
from planfact.errors import PlanfactError
from planfact.landing import LandingFile, due_files, landing_files
from planfact.periods import parse_period
from planfact.versions import latest_version, version_as_of_month

__all__ = [
    "LandingFile",
    "task_settings",
    "interval_month",
    "landing_files",
    "actuals_available",
    "land_actuals",
    "prepare_mart",
    "report_month",
    "start_forecast",
    "forecast_shard",
    "finalize_forecast",
    "summarize",
    "notify",
]

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_S = 10.0


def task_settings(database_url: str | None = None) -> Settings:
    """Settings from the environment; ``database_url`` (an Airflow connection's URI) wins.

    ``postgres://`` (Airflow's spelling) becomes ``postgresql://``; Airflow's
    ``__extra__`` query parameter is dropped since libpq does not know it. Also configures
    planfact's logging for the task (``PLANFACT_LOG_LEVEL``/``PLANFACT_LOG_FORMAT``, the
    structured fields kept in Airflow's task log; see ``planfact.logs``).
    """
    from planfact.logs import configure_task_logging

    overrides: dict[str, Any] = {}
    if database_url:
        url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", database_url)
        overrides["database_url"] = re.sub(r"([?&])__extra__=[^&]*&?", r"\1", url).rstrip("?&")
    settings = load_settings(**overrides)
    configure_task_logging(settings.log_level, settings.log_format)
    return settings


def interval_month(moment: dt.datetime | dt.date | None, calendar: Calendar | None = None) -> str:
    """``'YYYY-MM'`` of an edge of a DAG run's data interval (start: the closed month; end: the next).

    On a fiscal ``calendar`` the edge is a period's first day and comes back as that day
    (``'2012-10-27'``), which ``parse_period`` reads as the period holding it.

    A manual trigger without a logical date has no data interval, hence no month: that is
    refused at once with PlanfactError (which the DAG's retry policy never retries) saying
    how to run a month and how to re-run one (airflow/README.md, Manual runs), instead of
    guessing one from the clock.
    """
    if moment is None:
        raise PlanfactError(
            "this DAG run has no logical date (a manual trigger without --logical-date), so it has no "
            "month to run; a month's run has the logical date of the month's first day, as the scheduled "
            "one (on a fiscal calendar: the first day of the period after it): "
            "`airflow dags trigger planfact_monthly --logical-date 2015-07-01T00:00:00+00:00` runs "
            "July 2015 when it has no run yet; a month that has one is re-run with "
            "`airflow tasks clear planfact_monthly -s 2015-07-01 -e 2015-07-01 -y`"
        )
    if calendar is not None and not isinstance(calendar, MonthCalendar):
        return f"{moment:%Y-%m-%d}"
    return f"{moment:%Y-%m}"


def _month_loaded(conn: Any, month: dt.date) -> bool:
    row = fetch_one(conn, "versions/first_of_month", {"month": month})
    return row is not None and row[0] is not None


def _label(calendar: Calendar, start: dt.date) -> str:
    """``2015-07`` or ``FY2012-P10``: the period starting on ``start``."""
    return period_label(calendar, calendar.period_of(start))


def actuals_available(settings: Settings, month: str | dt.date) -> bool:
    """True when the actuals of ``month`` can be landed: a file named for it, or already loaded.

    The sensor of the DAG pokes this; it never loads anything.
    """
    calendar = installation_calendar(settings)
    target = parse_period(month, calendar)
    files = landing_files(settings.landing_dir, calendar)
    if any(f.kind == "actuals" and f.month == target for f in files):
        return True
    with connect(resolve_url(settings), autocommit=True) as conn:
        use_calendar(conn, settings)
        loaded = _month_loaded(conn, target)
    if not loaded:
        log.info(
            "waiting for actuals",
            extra={"month": _label(calendar, target), "landing": str(settings.landing_dir)},
        )
    return loaded


def _load_file(conn: Any, item: LandingFile, loaded_by: str) -> None:
    """Load one landing file with the loader of its kind (each load is its own transaction)."""
    from planfact import actuals
    from planfact.actuals.closed import ClosedMonthPlan

    if item.kind in ("stores", "holidays"):
        loader = actuals.load_stores if item.kind == "stores" else actuals.load_holidays
        log.info(f"{item.kind} upserted", extra={"file": item.path.name, "rows": loader(conn, item.path)})
        return
    # Unattended: new stores and product groups appear every month; they are created (the
    # message counts them) instead of stopping the month for every other series. Each landing
    # file loads once: the folder is replayed on every run, and the original file of a month
    # restated since must not be applied again over its restatement.
    if item.kind == "actuals":
        result = actuals.load_actuals(conn, item.path, loaded_by=loaded_by, new_series=True, once=True)
    else:
        try:
            result = actuals.load_plan(conn, item.path, loaded_by=loaded_by, new_series=True, once=True)
        except ClosedMonthPlan as late:  # a plan that came after its month's actuals: of no use now
            log.warning("plan file skipped", extra={"file": item.path.name, "reason": str(late)})
            return
    log.info(
        "already loaded" if result.already_loaded else "landed",
        extra={"file": item.path.name, "version": result.version_id, "detail": result.message},
    )


def land_actuals(settings: Settings, month: str | dt.date, *, loaded_by: str = "pipeline") -> int | None:
    """Load every new landing file due for closed ``month``; return the data version as of its close.

    That is the newest version while no later month is loaded, and the same version
    whenever the month runs again (``versions.version_as_of_month``): files of later months
    are never loaded here, and their versions never passed on. A file whose content was
    loaded before creates no version. Raises PlanfactError when, afterwards, no data
    version holds actuals of ``month``.
    """
    from planfact.db.locks import advisory_lock

    calendar = installation_calendar(settings)
    target = parse_period(month, calendar)
    label = _label(calendar, target)
    url = resolve_url(settings)
    files = due_files(landing_files(settings.landing_dir, calendar), target, calendar)
    # One lander at a time (a DAG run and the demo on one database): the lock is held by a
    # second connection's transaction while each load commits on its own (the loader also
    # serializes single loads, so a manual `planfact load` cannot interleave either).
    with (
        connect(url, autocommit=True) as lock_conn,
        lock_conn.transaction(),
        advisory_lock(lock_conn, "pipeline", "land"),
        connect(url, autocommit=True) as conn,
    ):
        use_calendar(conn, settings)
        before = latest_version(conn)
        for item in files:
            _load_file(conn, item, loaded_by)
        if latest_version(conn) != before:
            execute(conn, "pipeline/analyze_landed")  # the mart and the forecast read it next
        if not _month_loaded(conn, target):
            named = [f.path.name for f in files if f.kind == "actuals" and f.month == target]
            where = (
                f"{', '.join(named)} in {settings.landing_dir} hold no rows of it"
                if named
                else f"{settings.landing_dir} has no file actuals_{label}*.csv[.gz]"
            )
            raise PlanfactError(f"no actuals of {label}: no data version holds them and {where}")
        version = version_as_of_month(conn, target) or latest_version(conn)
        newest = latest_version(conn)
    log.info("actuals landed", extra={"month": label, "version": version, "newest": newest})
    return version


def prepare_mart(settings: Settings) -> None:
    """Refresh the mart and run its data tests; a failing test raises PlanfactError (stop before training)."""
    from planfact.mart import check_mart, refresh_mart

    with connect(resolve_url(settings), autocommit=True) as conn:
        use_calendar(conn, settings)  # the monthly views group by its periods
        timings = refresh_mart(conn)
        log.info("mart refreshed", extra={"seconds": round(sum(timings.values()), 3), "views": len(timings)})
        check_mart(conn)


def report_month(settings: Settings, month: str | dt.date) -> list[str]:
    """Render the plan-vs-actual report of closed ``month``; return the file paths.

    Skips cleanly (returns ``[]`` and logs why) when the month has no plan of record,
    as the first month of a deployment never has one. Keeps the reports already rendered
    from the same plan while the month's own actuals are unchanged (later months landing do
    not count) and their files still match their sha256; else renders new files.
    """
    from planfact.hashes import file_sha256

    calendar = installation_calendar(settings)
    target = parse_period(month, calendar)
    label = _label(calendar, target)
    with connect(resolve_url(settings), autocommit=True) as conn:
        use_calendar(conn, settings)
        plan = fetch_one(conn, "plan/current_plan", {"month": target})
        if plan is None:
            log.warning(
                "report skipped: no plan of record (no forecast was made before the month, "
                "e.g. the first month of a deployment)",
                extra={"month": label},
            )
            return []
        rows = fetch_all(conn, "pipeline/reports_of_month", {"month": target, "plan_run_id": plan[0]})
    kept: dict[str, tuple[str, str]] = {}
    for fmt, path, sha in rows:
        kept.setdefault(fmt, (path, sha.strip()))
    if kept and all(Path(p).is_file() and file_sha256(Path(p)) == sha for p, sha in kept.values()):
        log.info("report kept: same plan, the month's actuals unchanged", extra={"month": label})
        return sorted(p for p, _sha in kept.values())
    from planfact.reporting.month import render_month_report

    paths = render_month_report(settings, target)
    return sorted(str(p) for p in paths)


def start_forecast(
    settings: Settings,
    month: str | dt.date,
    *,
    data_version: int | None = None,
    shard_count: int = 1,
    kind: str = "production",
) -> int | None:
    """Open the forecasting run of target ``month`` (the month to forecast); return its run id.

    The DAG passes the month after the closed one (its data interval's end) and the
    data version as of the closed month. A succeeded run of the same month, data version
    and experiments is reused: its id comes back and the shard steps do nothing. When the
    plan of ``month`` is frozen (its actuals are loaded: the closed month is run again
    after later months landed) no production run is started: the id of its plan of record
    comes back (shards and finalize then do nothing), or None when it has none.
    """
    from planfact.runs import start_run
    from planfact.runs.plan import FrozenPlan

    calendar = installation_calendar(settings)
    target = parse_period(month, calendar)
    try:
        run_id = start_run(settings, target, kind=kind, experiments=settings.experiments_file,
                           data_version=data_version, shard_count=shard_count)
    except FrozenPlan as frozen:
        log.warning("no new forecast: the plan is frozen", extra={"month": _label(calendar, target),
                    "frozen_by_version": frozen.version, "plan_run_id": frozen.plan})
        return frozen.plan
    log.info("forecast run started", extra={"month": _label(calendar, target), "run_id": run_id})
    return int(run_id)


def forecast_shard(settings: Settings, run_id: int | None, shard: int) -> None:
    """Forecast shard ``shard`` (1-based) of run ``run_id``; a no-op for a reused, succeeded run
    (or no run: a frozen month without a plan). Tasks never draw progress bars."""
    from planfact.runs import run_shard

    if run_id is None:
        log.info("no forecast run: nothing to compute", extra={"shard": shard})
        return
    run_shard(settings, run_id, shard, progress=sys.stderr.isatty())


def finalize_forecast(settings: Settings, run_id: int | None, month: str | dt.date | None = None) -> str:
    """Finalize run ``run_id`` (metrics, status, plan of record); return its one-line headline.

    Finalizing a succeeded run again changes nothing and returns the same headline; no
    run (a frozen month without a plan) says so.
    """
    from planfact.runs import finalize_run

    if run_id is None:
        calendar = installation_calendar(settings)
        shown = f" of {_label(calendar, parse_period(month, calendar))}" if month is not None else ""
        return f"no forecast: the plan{shown} is frozen (its actuals are loaded) and has no plan of record"
    return finalize_run(settings, run_id).headline()


def summarize(month: str | dt.date, data_version: int | None, reports: list[str], forecast: str,
              calendar: Calendar | None = None) -> str:
    """The one-line summary of a monthly run (what ``notify`` sends)."""
    calendar = calendar if calendar is not None else MonthCalendar()
    target = parse_period(month, calendar)
    report = f"report: {len(reports)} files" if reports else "report: skipped (no plan of record)"
    return f"planfact {_label(calendar, target)}: data version {data_version}; {report}; {forecast}"


def notify(settings: Settings, summary: str) -> None:
    """Log ``summary`` and POST it to ``PLANFACT_WEBHOOK_URL`` when set.

    The webhook gets JSON ``{"text": summary}`` (what Slack-, Mattermost- and
    Teams-style incoming webhooks accept). A webhook failure is logged, never raised:
    the run itself has succeeded by then.
    """
    log.info("%s", summary)
    if not settings.webhook_url:
        return
    # Log only scheme and host: webhook URLs carry their token in the path or user part.
    parts = urllib.parse.urlsplit(settings.webhook_url)
    where = f"{parts.scheme}://{parts.hostname}" if parts.scheme and parts.hostname else "<not a URL>"
    try:
        if not settings.webhook_url.startswith(("http://", "https://")):
            raise ValueError("PLANFACT_WEBHOOK_URL must be an http(s) URL")
        request = urllib.request.Request(
            settings.webhook_url,
            data=json.dumps({"text": summary}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as response:  # noqa: S310 (http(s) only)
            log.info("webhook sent", extra={"webhook": where, "status": response.status})
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("webhook failed; the run is not affected", extra={"webhook": where, "error": str(exc)})
