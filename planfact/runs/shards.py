"""Compute and write one shard of a run: read the mart, run the engine, COPY the results.

A shard is ``i/n`` of the run's series (the engine decides which, deterministically;
it always receives every series so global models train on all of them). Its rows are
written in one transaction together with the shard's ``succeeded`` mark; a failure
rolls them back and records the shard as failed. Rerunning a failed shard recomputes
it; a succeeded shard is skipped, so retries (Airflow) are safe.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from planfact.config import Settings
from planfact.db.connect import connect
from planfact.db.queries import execute, fetch_one
from planfact.db.server import resolve_url
from planfact.errors import PlanfactError, UsageError
from planfact.runs.configs import config_from_record
from planfact.runs.lease import Heartbeat, run_lease, sweep
from planfact.runs.locks import DEFAULT_LOCK_WAIT, held_lock
from planfact.runs.reader import read_training
from planfact.runs.record import RunRecord, error_text, get_run, record_shard_failure, spool_dir
from planfact.runs.writer import check_result, write_results

__all__ = ["run_shard", "compute_shard"]

log = logging.getLogger(__name__)


def compute_shard(
    conn: psycopg.Connection,
    url: str,
    settings: Settings,
    run: RunRecord,
    shard_index: int,
    config: Any,
    *,
    progress: bool = True,
) -> dict[str, Any] | None:
    """Compute shard ``shard_index`` of ``run`` and commit its rows; None if it already succeeded.

    Returns the shard's timings and counts. The caller holds the month lock.
    """
    with conn.transaction():
        started = fetch_one(conn, "runs/start_shard", {
            "run_id": run.run_id, "shard_index": shard_index, "host": socket.gethostname()})
    if started is None:
        log.info("shard already succeeded", extra={"run_id": run.run_id, "shard": shard_index})
        return None
    try:
        return _compute(conn, settings, run, shard_index, config, progress)
    except BaseException as exc:
        record_shard_failure(url, run.run_id, shard_index, error_text(exc), spool=spool_dir(settings))
        raise


def _compute(
    conn: psycopg.Connection, settings: Settings, run: RunRecord, shard_index: int, config: Any,
    progress: bool,
) -> dict[str, Any]:
    from forecasting.engine import run_engine
    from planfact.calendars import installation_calendar

    t0 = time.perf_counter()
    with conn.transaction():
        frame = read_training(conn, run.data_version, run.cutoff, run.run_id)
    t1 = time.perf_counter()
    result = run_engine(frame, run.cutoff, config, shard=(shard_index, run.shard_count),
                        workers=settings.workers, progress=progress,
                        calendar=installation_calendar(settings))
    check_result(result, run.target_month, installation_calendar(settings))
    t2 = time.perf_counter()
    series = int(result.selection["series_id"].nunique())
    with conn.transaction():
        status = fetch_one(conn, "runs/share_run", {"run_id": run.run_id})
        if status is None or status[0] != "running":
            raise PlanfactError(f"run {run.run_id} is {status[0] if status else 'gone'}; "
                                f"shard {shard_index} results discarded")
        counts = write_results(conn, run.run_id, result)
        t3 = time.perf_counter()
        engine_timings = {k: round(float(v), 3) for k, v in (result.timings or {}).items()
                          if isinstance(v, int | float)}
        write_seconds = counts.pop("seconds")
        timings = {"read": round(t1 - t0, 3), "engine": round(t2 - t1, 3), "write": round(t3 - t2, 3),
                   "input_rows": len(frame), "rows": counts, "write_detail": write_seconds,
                   "engine_detail": engine_timings}
        execute(conn, "runs/finish_shard", {"run_id": run.run_id, "shard_index": shard_index,
                                            "series_count": series, "timings": Jsonb(timings),
                                            "warnings": list(result.warnings)})
    timings["commit"] = round(time.perf_counter() - t3, 3)
    log.info("shard written", extra={"run_id": run.run_id, "shard": shard_index,
                                     "forecast_rows": counts["forecast_value"]})
    return timings


def run_shard(
    settings: Settings,
    run_id: int,
    shard_index: int,
    *,
    progress: bool = True,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> dict[str, Any] | None:
    """Compute one shard of a started run (``planfact run month --shard i/n``, Airflow's mapped task).

    A shard of a succeeded run is a no-op (the run was reused or finalized); a failed run
    is refused. Holds the month lock shared, so shards run side by side but never beside
    an unsharded run of the month, and the shard lock, so no shard is computed twice at once.
    """
    url = resolve_url(settings)
    with connect(url) as conn:
        sweep(conn, settings, url, run_id=run_id)
        with conn.transaction():
            run = get_run(conn, run_id)
        if not 1 <= shard_index <= run.shard_count:
            raise UsageError(f"--shard: run {run_id} has {run.shard_count} shard(s), got {shard_index}")
        if run.status == "succeeded":
            log.info("run already succeeded; nothing to do", extra={"run_id": run_id})
            return None
        if run.status == "failed":
            from planfact.runs.plan import frozen_by

            # Suggest only what would be accepted: no new production run of a frozen month.
            frozen = frozen_by(conn, run.target_month) if run.kind == "production" else None
            again = ("start a new run instead" if frozen is None else
                     f"the plan of {run.target_month:%Y-%m} is frozen (actuals loaded in data version "
                     f"{frozen}): only `--kind experiment` runs it again")
            raise PlanfactError(f"run {run_id} failed ({run.error}); {again}")
        config = config_from_record(run.config)
        shard = (run_id, shard_index)
        with (
            run_lease(conn, run_id),
            held_lock(url, run.target_month, shared=True, shard=shard, wait_seconds=lock_wait),
            Heartbeat(url, run_id, shard_index, every=settings.heartbeat_seconds),
        ):
            return compute_shard(conn, url, settings, run, shard_index, config, progress=progress)
