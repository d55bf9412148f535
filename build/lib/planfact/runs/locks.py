"""Advisory locks that keep runs of one target month from overlapping.

Three transaction-level locks, so a killed process releases them with its connection:

- the **month lock** ``('forecast-run', month)``: an unsharded run holds it *exclusively*
  from before it looks for a reusable run until it has finished; each shard of a sharded
  run holds it *shared* while it computes, so the shards of a month run side by side but
  never beside an unsharded run of the same month;
- the **registry lock** ``('forecast-registry', month)``: held exclusively for the short
  transactions that create or join a run, finalize it or change the plan of record, so
  "find or create" and "first succeeded run becomes the plan" are atomic;
- the **shard lock** ``('forecast-shard', run_id, shard)``: taken without waiting, so one
  shard is never computed by two workers at once.

A long lock must outlive many short transactions on the working connection, so
:func:`held_lock` keeps it on a second connection whose transaction stays open.
Waiting is bounded: after ``wait_seconds`` (0 = do not wait) the caller gets a
:class:`~planfact.errors.PlanfactError` naming the run in the way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors

from planfact.db.connect import connect
from planfact.db.locks import advisory_lock, lock_key
from planfact.db.queries import execute, fetch_all, fetch_one
from planfact.errors import PlanfactError

__all__ = ["DEFAULT_LOCK_WAIT", "held_lock", "registry_lock", "month_key", "shard_key"]

# An unattended schedule should queue behind a run in progress (then reuse its result),
# not fail; an hour is longer than a full Rossmann month takes on two cores.
DEFAULT_LOCK_WAIT = 3600.0


def month_key(month: dt.date) -> tuple[str, str]:
    """Lock name parts of the month lock."""
    return ("forecast-run", month.isoformat())


def shard_key(run_id: int, shard_index: int) -> tuple[str, int, int]:
    """Lock name parts of one shard of one run."""
    return ("forecast-shard", run_id, shard_index)


def _holders(url: str, month: dt.date) -> str:
    """A short description of the running runs of ``month`` for an error message."""
    with connect(url, autocommit=True) as conn:
        rows = fetch_all(conn, "runs/running_runs", {"month": month})
    if not rows:
        return "another process holds the lock"
    shown = [f"run {r[0]} ({r[1]}, {r[2]} shard(s), host {r[3] or '?'}, since {r[4]:%Y-%m-%d %H:%M})"
             for r in rows[:3]]
    return "in progress: " + "; ".join(shown)


@contextmanager
def held_lock(
    url: str,
    month: dt.date,
    *,
    shared: bool = False,
    wait_seconds: float = DEFAULT_LOCK_WAIT,
    shard: tuple[int, int] | None = None,
) -> Iterator[None]:
    """Hold the month lock (and the shard lock of ``shard=(run_id, index)``) for the block.

    Raises PlanfactError when the month lock is not had within ``wait_seconds`` or the
    shard is being computed by another process.
    """
    conn = connect(url)
    try:
        with conn.transaction():
            _take_month_lock(conn, month, shared=shared, wait_seconds=wait_seconds, url=url)
            if shard is not None:
                row = execute(conn, "database/try_advisory_xact_lock",
                              {"key": lock_key(*shard_key(*shard))}).fetchone()
                if not (row and row[0]):
                    raise PlanfactError(
                        f"shard {shard[1]} of run {shard[0]} is being computed by another process"
                    )
            yield
    finally:
        conn.close()


def _take_month_lock(
    conn: psycopg.Connection, month: dt.date, *, shared: bool, wait_seconds: float, url: str
) -> None:
    key = lock_key(*month_key(month))
    label = f"{month:%Y-%m}"
    if wait_seconds <= 0:
        name = "runs/try_advisory_xact_lock_shared" if shared else "database/try_advisory_xact_lock"
        row = fetch_one(conn, name, {"key": key})
        if not (row and row[0]):
            raise PlanfactError(f"another forecast run for {label} is {_holders(url, month)}; not waiting")
        return
    execute(conn, "runs/set_lock_timeout", {"timeout": f"{int(wait_seconds * 1000)}ms"})
    try:
        with conn.transaction():  # a savepoint, so the outer transaction survives a timeout
            if shared:
                execute(conn, "runs/advisory_xact_lock_shared", {"key": key})
            else:
                execute(conn, "database/advisory_xact_lock", {"key": key})
    except errors.LockNotAvailable:
        raise PlanfactError(
            f"another forecast run for {label} is {_holders(url, month)}; "
            f"gave up after waiting {wait_seconds:g} s (--lock-wait)"
        ) from None
    execute(conn, "runs/set_lock_timeout", {"timeout": "0"})


@contextmanager
def registry_lock(conn: psycopg.Connection, month: dt.date) -> Iterator[None]:
    """Inside the caller's transaction: serialize create/join/finalize/promote for ``month``."""
    with advisory_lock(conn, "forecast-registry", month.isoformat()):
        yield
