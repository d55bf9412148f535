"""One row of ``forecast.run`` as Python, and the writes that close a run or shard as failed.

Failures are recorded from a fresh autocommit connection: the working connection may
be broken or inside the transaction that just failed, and the record must survive.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass
from typing import Any

import psycopg

from forecasting.calendar import month_cutoff
from planfact.db.connect import connect
from planfact.db.queries import execute, fetch_one
from planfact.errors import UsageError

__all__ = ["RunRecord", "get_run", "error_text", "record_run_failure", "record_shard_failure"]

log = logging.getLogger(__name__)

_MAX_ERROR = 4000


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
        """The last day of history this run may see."""
        return month_cutoff(self.target_month)


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


def record_run_failure(url: str, run_id: int, error: str) -> None:
    """Mark a running run failed with ``error`` (its own committed transaction)."""
    try:
        with connect(url, autocommit=True) as conn:
            execute(conn, "runs/fail_run", {"run_id": run_id, "error": error[:_MAX_ERROR]})
    except Exception:  # the original failure matters more than this one
        log.exception("could not record the failure of run %s", run_id)


def record_shard_failure(url: str, run_id: int, shard_index: int, error: str) -> None:
    """Mark a running shard failed with ``error`` (its own committed transaction)."""
    try:
        with connect(url, autocommit=True) as conn:
            execute(conn, "runs/fail_shard",
                    {"run_id": run_id, "shard_index": shard_index, "error": error[:_MAX_ERROR]})
    except Exception:
        log.exception("could not record the failure of shard %s of run %s", shard_index, run_id)
