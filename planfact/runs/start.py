"""The monthly run: mart → engine → forecasts, plan of record and run registry.

Life of an unsharded run (``planfact run month 2015-07``):

1. take the month lock exclusively (waits for another run of the month, bounded);
2. sweep the month: runs and shards whose process is gone are marked failed
   (``runs.lease``); look for a succeeded run with the same month, data version (by
   default the one as of the previous month's close), config sha256 and kind: reuse it
   and say so, unless ``force``. A production run of a month whose plan is frozen (its
   actuals are loaded) is refused: it could never become the plan (``--kind experiment``);
3. insert the run row as ``running`` and take its lease (a session advisory lock) in the
   same transaction; a heartbeat thread refreshes ``heartbeat_at`` until the end;
4. compute shard 1/1 (read, engine, COPY in one transaction);
5. finalize: metrics, ``succeeded``, plan of record when eligible, in one transaction.

Any failure marks the run ``failed`` with the error in its own transaction and raises
(spooled until the next command when the server itself is gone).
A sharded run (``--shard i/n``) creates or joins the run with the same inputs and
shard count (or ``run_id``), computes its shard and leaves finalizing to
``planfact run finalize RUN_ID`` once every shard is written.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from forecasting.calendar import period_cutoff
from planfact.calendars import installation_calendar, use_calendar
from planfact.config import Settings, current_user
from planfact.db.connect import connect
from planfact.db.queries import execute, fetch_one
from planfact.db.server import resolve_url
from planfact.errors import PlanfactError, UsageError
from planfact.periods import parse_period, parse_shard
from planfact.runs.configs import (
    config_record,
    config_sha256,
    load_config,
    model_set_version,
    runtime_versions,
)
from planfact.runs.finalize import finalize_locked, summarize
from planfact.runs.lease import Heartbeat, run_lease, sweep, take_lease
from planfact.runs.locks import DEFAULT_LOCK_WAIT, held_lock, registry_lock
from planfact.runs.plan import FrozenPlan, current_plan, frozen_by
from planfact.runs.reader import resolve_data_version
from planfact.runs.record import error_text, get_run, record_run_failure, spool_dir
from planfact.runs.registry import code_version
from planfact.runs.shards import compute_shard, run_shard

__all__ = ["KINDS", "RunOutcome", "start_run", "run_month"]

log = logging.getLogger(__name__)

KINDS = ("production", "experiment")


@dataclass(frozen=True)
class RunOutcome:
    """Result of ``run_month``: the run id, whether an earlier run was reused, its status."""

    run_id: int
    reused: bool
    status: str
    summary: str


@dataclass(frozen=True)
class _Started:
    run_id: int
    how: str  # "new", "reused" or "joined"



def _start(
    conn: psycopg.Connection,
    month: dt.date,
    *,
    kind: str,
    config: Any,
    data_version: int | None,
    shard_count: int,
    force: bool,
    join: bool,
    settings: Settings,
) -> _Started:
    """Reuse, join or create the run of ``month`` (one transaction under the registry lock).

    A new unsharded run (``join=False``) leaves with its lease held on ``conn``. A joined
    run gets a heartbeat (its idle clock restarts). FrozenPlan for a new production run
    of a frozen month.
    """
    if kind not in KINDS:
        raise UsageError(f"--kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    record = config_record(config)
    digest = config_sha256(record)
    with conn.transaction():
        version = resolve_data_version(conn, data_version, period_cutoff(month),
                                       installation_calendar(settings))
        key = {"month": month, "data_version": version, "config_sha256": digest, "kind": kind,
               "discontinued_days": settings.discontinued_days}
        with registry_lock(conn, month):
            if not force:
                found = fetch_one(conn, "runs/find_reusable", key)
                if found:
                    return _Started(int(found[0]), "reused")
            if join:
                found = fetch_one(conn, "runs/find_joinable", {**key, "shard_count": shard_count})
                if found:
                    execute(conn, "runs/heartbeat", {"run_id": int(found[0]), "shard_index": None})
                    return _Started(int(found[0]), "joined")
            frozen = frozen_by(conn, month) if kind == "production" else None
            if frozen is not None:
                raise FrozenPlan(month, frozen, current_plan(conn, month))
            params = {
                "cutoff": period_cutoff(month).isoformat(),
                "experiments_file": record.get("source"),
                "workers": settings.workers,
                "force": force,
                "discontinued_days": settings.discontinued_days,
                # Only runs of the unsharded path hold the month lock for their whole life, so
                # only they can be declared abandoned by the next run holding that lock.
                "mode": "sharded" if join else "single",
                "versions": runtime_versions(),
            }
            row = fetch_one(conn, "runs/insert_run", {
                **key,
                "model_version": model_set_version(config, digest),
                "code_version": code_version(),
                "config": Jsonb(record),
                "params": Jsonb(params),
                "shard_count": shard_count,
                "host": socket.gethostname(),
                "started_by": current_user(),
            })
            assert row is not None
            execute(conn, "runs/exclude_discontinued", {
                "run_id": int(row[0]), "data_version": version, "cutoff": period_cutoff(month),
                "days": settings.discontinued_days})
            if not join:
                take_lease(conn, int(row[0]))  # before the row is visible: never unleased
    return _Started(int(row[0]), "new")


def start_run(
    settings: Settings,
    month: dt.date | str,
    *,
    kind: str = "production",
    experiments: Any = None,
    data_version: int | None = None,
    shard_count: int = 1,
    force: bool = False,
) -> int:
    """Create (or join, or reuse) the run of ``month`` for ``shard_count`` shards; return its id.

    This is the DAG's first forecast task: the id it returns is a new running run, the
    running run with the same inputs and shard count (a retry), or a succeeded run with
    the same inputs (then every shard and finalize are no-ops).
    """
    month = parse_period(month, installation_calendar(settings))
    config = load_config(experiments, settings)
    url = resolve_url(settings)
    with connect(url) as conn:
        use_calendar(conn, settings)
        sweep(conn, settings, url, month=month)
        return _start(conn, month, kind=kind, config=config, data_version=data_version,
                      shard_count=shard_count, force=force, join=True, settings=settings).run_id


def _reused(conn: psycopg.Connection, run_id: int) -> RunOutcome:
    with conn.transaction():
        run = get_run(conn, run_id)
        plan = current_plan(conn, run.target_month)
    frozen = frozen_by(conn, run.target_month) if run.kind == "production" else None
    again = ("--force makes a new run" if frozen is None else
             f"the plan of {run.target_month:%Y-%m} is frozen (actuals loaded in data version {frozen}): "
             "--kind experiment makes a comparison run")
    note = (f"reusing run {run_id}: it already forecast {run.target_month:%Y-%m} from data version "
            f"{run.data_version} with the same config (code {run.code_version}); {again}")
    text = str(summarize(run, f"plan of record for {run.target_month:%Y-%m} is run {plan}", note=note))
    return RunOutcome(run_id, True, run.status, text)


def run_month(
    settings: Settings,
    month: dt.date | str,
    *,
    experiments: Any = None,
    kind: str = "production",
    data_version: int | None = None,
    force: bool = False,
    shard: tuple[int, int] | str | None = None,
    run_id: int | None = None,
    progress: bool = True,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> RunOutcome:
    """Forecast ``month`` (see the module docstring); raises PlanfactError when the run fails."""
    month = parse_period(month, installation_calendar(settings))
    url = resolve_url(settings)
    with connect(url, autocommit=True) as conn:
        use_calendar(conn, settings)
    if shard is not None:
        return _run_one_shard(settings, url, month, parse_shard(shard), experiments=experiments,
                              kind=kind, data_version=data_version, force=force, run_id=run_id,
                              progress=progress, lock_wait=lock_wait)
    if run_id is not None:
        raise UsageError("--run-id: only with --shard i/n (an unsharded run always starts its own run)")
    config = load_config(experiments, settings)
    with held_lock(url, month, wait_seconds=lock_wait), connect(url) as conn:
        sweep(conn, settings, url, month=month)
        started = _start(conn, month, kind=kind, config=config, data_version=data_version,
                         shard_count=1, force=force, join=False, settings=settings)
        if started.how == "reused":
            return _reused(conn, started.run_id)
        new_id = started.run_id
        log.info("run started", extra={"run_id": new_id, "month": f"{month:%Y-%m}", "kind": kind})
        try:
            with run_lease(conn, new_id, taken=True), \
                    Heartbeat(url, new_id, 1, every=settings.heartbeat_seconds):
                with conn.transaction():
                    run = get_run(conn, new_id)
                compute_shard(conn, url, settings, run, 1, config, progress=progress)
                summary = finalize_locked(conn, url, new_id, spool=spool_dir(settings))
        except BaseException as exc:
            record_run_failure(url, new_id, error_text(exc), spool=spool_dir(settings))
            if not isinstance(exc, Exception):
                raise  # KeyboardInterrupt, SystemExit: recorded, then let them through
            shown = str(exc) if isinstance(exc, PlanfactError) else f"{type(exc).__name__}: {exc}"
            raise PlanfactError(f"run {new_id} failed: {shown}") from exc
    return RunOutcome(new_id, False, summary.status, str(summary))


def _run_one_shard(
    settings: Settings, url: str, month: dt.date, shard: tuple[int, int], *, experiments: Any, kind: str,
    data_version: int | None, force: bool, run_id: int | None, progress: bool, lock_wait: float,
) -> RunOutcome:
    index, count = shard
    if run_id is None:
        config = load_config(experiments, settings)
        with connect(url) as conn:
            sweep(conn, settings, url, month=month)
            started = _start(conn, month, kind=kind, config=config, data_version=data_version,
                             shard_count=count, force=force, join=True, settings=settings)
            if started.how == "reused":
                return _reused(conn, started.run_id)
        run_id = started.run_id
    else:
        with connect(url) as conn, conn.transaction():
            run = get_run(conn, run_id)
        if run.target_month != month or run.shard_count != count:
            raise UsageError(f"--run-id: run {run_id} is {run.target_month:%Y-%m} with {run.shard_count} "
                             f"shard(s), not {month:%Y-%m} with {count}")
    timings = run_shard(settings, run_id, index, progress=progress, lock_wait=lock_wait)
    done = "already written" if timings is None else (
        f"written in {sum(timings[k] for k in ('read', 'engine', 'write')):.1f} s "
        f"(read {timings['read']:.1f}, engine {timings['engine']:.1f}, write {timings['write']:.1f})")
    text = (f"shard {index}/{count} of run {run_id} ({month:%Y-%m}) {done}; "
            f"when all {count} shards are written: planfact run finalize {run_id}")
    with connect(url) as conn, conn.transaction():
        status = get_run(conn, run_id).status
    return RunOutcome(run_id, False, status, text)
