"""One row of ``forecast.run`` as Python, and the writes that close a run or shard as failed.

Failures are recorded from a fresh autocommit connection: the working connection may
be broken or inside the transaction that just failed, and the record must survive.
When the server itself is gone (restarting, unreachable) the write is tried a few times
over about ten seconds, then *spooled*: kept as a small JSON file under
``<PLANFACT_STATE_DIR>/pending/`` and written by the next planfact command that connects
to the same database (:func:`replay_pending`, called by ``runs.lease.sweep``). A command
on another host, without the file, still fails the run: its lease ended with the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from forecasting.calendar import period_cutoff
from planfact.config import Settings
from planfact.db.connect import connect, libpq_url
from planfact.db.queries import execute, fetch_one
from planfact.errors import UsageError

__all__ = ["RunRecord", "get_run", "error_text", "record_run_failure", "record_shard_failure",
           "spool_dir", "replay_pending"]

log = logging.getLogger(__name__)

_MAX_ERROR = 4000
# Seconds to wait before each try of a failure record: a restarting server is usually
# back within seconds; after the last try the record is spooled.
RETRY_DELAYS = (0.0, 1.0, 2.0, 4.0)
_REPLAYED = " (recorded when the database was reachable again)"


@dataclass(frozen=True)
class RunRecord:
    """A registry row (grain: one run)."""

    run_id: int
    kind: str
    target_month: dt.date
    data_version: int
    model_version: str | None
    code_version: str
    config: dict[str, Any]
    config_sha256: str | None
    params: dict[str, Any]
    metrics: dict[str, Any]
    status: str
    error: str | None
    shard_count: int
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def cutoff(self) -> dt.date:
        """The last day of history this run may see: the day before its period (month) starts."""
        return period_cutoff(self.target_month)


def get_run(conn: psycopg.Connection, run_id: int) -> RunRecord:
    """The run ``run_id``; UsageError naming RUN_ID when it does not exist."""
    row = fetch_one(conn, "runs/get_run", {"run_id": run_id})
    if row is None:
        raise UsageError(f"RUN_ID: no run {run_id} in the registry (see `planfact runs list`)")
    return RunRecord(*row)


def error_text(exc: BaseException) -> str:
    """``Type: message`` plus the innermost frame, short enough for the registry."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (KeyboardInterrupt)"
    message = f"{type(exc).__name__}: {exc}".strip()
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        message += f" (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name})"
    return message[:_MAX_ERROR]


def spool_dir(settings: Settings) -> Path:
    """Where failures that could not be written wait for the next connection."""
    return settings.state_dir / "pending"


def _database_tag(url: str) -> str:
    return hashlib.sha256(libpq_url(url).encode()).hexdigest()[:16]


def _record(url: str, name: str, params: dict[str, Any], spool: Path | None, what: str) -> bool:
    """Write one failure record, retrying; spool it when the server stays unreachable."""
    problem = ""
    for delay in RETRY_DELAYS:
        time.sleep(delay)
        try:
            with connect(url, autocommit=True) as conn:
                execute(conn, name, params)
            return True
        except Exception as exc:  # the original failure matters more than this one
            problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if spool is None:
        log.error("could not record the failure of %s: %s", what, problem)
        return False
    spool.mkdir(parents=True, exist_ok=True)
    shard = params.get("shard_index", 0)
    path = spool / f"{_database_tag(url)}-{name.replace('/', '-')}-{params['run_id']}-{shard}.json"
    path.write_text(json.dumps({"statement": name, "params": params,
                                "failed_at": dt.datetime.now(dt.UTC).isoformat()}))
    log.error("could not record the failure of %s (%s); the next planfact command on this host "
              "records it", what, problem, extra={"pending": str(path)})
    return False


def record_run_failure(url: str, run_id: int, error: str, *, spool: Path | None = None) -> bool:
    """Mark a running run failed with ``error`` (its own committed transaction).

    Returns False when it could not be written now (then it is spooled to ``spool``, if given).
    """
    return _record(url, "runs/fail_run", {"run_id": run_id, "error": error[:_MAX_ERROR]}, spool,
                   f"run {run_id}")


def record_shard_failure(url: str, run_id: int, shard_index: int, error: str, *,
                         spool: Path | None = None) -> bool:
    """Mark a running shard failed with ``error`` (its own committed transaction)."""
    return _record(url, "runs/fail_shard",
                   {"run_id": run_id, "shard_index": shard_index, "error": error[:_MAX_ERROR]}, spool,
                   f"shard {shard_index} of run {run_id}")


def replay_pending(conn: psycopg.Connection, url: str, spool: Path) -> list[str]:
    """Write the spooled failure records of the database ``url`` in the caller's transaction.

    Shards before runs (a run's record closes it). Returns one line per record written; a
    record whose run or shard is no longer running changes nothing and is dropped.
    """
    if not spool.is_dir():
        return []
    files = sorted(spool.glob(f"{_database_tag(url)}-*.json"), key=lambda p: ("fail_run" in p.name, p.name))
    said: list[str] = []
    for path in files:
        try:
            record = json.loads(path.read_text())
            name, params = record["statement"], dict(record["params"])
        except (OSError, ValueError, KeyError):
            log.warning("unreadable pending failure record left alone", extra={"pending": str(path)})
            continue
        params["error"] = (params["error"] + _REPLAYED)[:_MAX_ERROR]
        changed = execute(conn, name, params).rowcount
        if changed:
            what = (f"shard {params['shard_index']} of run {params['run_id']}" if "shard_index" in params
                    else f"run {params['run_id']}")
            said.append(f"{what} failed: {params['error']}")
        path.unlink(missing_ok=True)
    return said
