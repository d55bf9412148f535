"""Liveness of runs and shards: leases, heartbeats, and the sweep that fails abandoned work.

A run or shard marked ``running`` is alive only while a process works on it. Two signs
tell, both kept by the working process and both gone when it dies, however it dies
(SIGKILL, a lost host, a restarted database server), even while engine workers it forked
are still alive (they hold none of its sessions, :mod:`planfact.db.connect`, and die with
it, :mod:`forecasting.pool`):

- **locks**, exact and immediate: the *run lease* ``('forecast-run-lease', run_id)``, a
  session-level shared advisory lock on the working connection (taken in the transaction
  that creates or joins the run, so no moment exists where the row is visible and
  unleased), and the *shard lock* of :mod:`planfact.runs.locks` while a shard computes.
  Others read them in ``pg_locks``, never by taking them;
- a **heartbeat**: ``heartbeat_at`` of the run (and of its shard) refreshed every
  ``PLANFACT_HEARTBEAT_SECONDS`` by a thread of the working process; its last value is
  what the failure message names.

:func:`sweep` is called by every command that touches a month and by ``runs list``: it
first records failures that could not be written when they happened (see
:mod:`planfact.runs.record`), then fails

- every shard marked running whose shard lock nobody holds;
- every unsharded run whose lease nobody holds (its one process holds it from start to end);
- every sharded run whose lease nobody holds *and* that showed no sign of life for
  ``PLANFACT_RUN_LEASE_MINUTES``: between its Airflow tasks (and during retry back-off) no
  process works on it, so it may wait that long for the next shard or finalize.

with ``failed`` and ``abandoned: last heartbeat <time> UTC (...)``, its shards with it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import TracebackType

import psycopg
from psycopg import errors

from planfact.config import Settings
from planfact.db.connect import connect
from planfact.db.locks import lock_key
from planfact.db.queries import execute, fetch_all
from planfact.runs.locks import shard_key
from planfact.runs.record import replay_pending, spool_dir

__all__ = ["lease_key", "key_halves", "take_lease", "run_lease", "Heartbeat", "sweep"]

log = logging.getLogger(__name__)


def lease_key(run_id: int) -> int:
    """The advisory-lock key of a run's lease."""
    return lock_key("forecast-run-lease", run_id)


def key_halves(key: int) -> tuple[int, int]:
    """A bigint advisory key as ``pg_locks`` shows it: (classid, objid), both unsigned 32-bit."""
    return (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF


def take_lease(conn: psycopg.Connection, run_id: int) -> None:
    """Hold the lease of ``run_id`` on ``conn`` until released or the session ends.

    Call inside the transaction that creates or joins the run: the lock is session-level,
    so it stays after that transaction commits.
    """
    execute(conn, "runs/lease_take", {"key": lease_key(run_id)})


def _release(conn: psycopg.Connection, run_id: int) -> None:
    if conn.closed or conn.broken:
        return  # the session, and its lock, are gone already
    with suppress(psycopg.Error):
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            conn.rollback()
        execute(conn, "runs/lease_release", {"key": lease_key(run_id)})
        if not conn.autocommit:
            conn.commit()


@contextmanager
def run_lease(conn: psycopg.Connection, run_id: int, *, taken: bool = False) -> Iterator[None]:
    """Hold the lease of ``run_id`` for the block (``taken``: already taken on ``conn``)."""
    if not taken:
        with conn.transaction():
            take_lease(conn, run_id)
    try:
        yield
    finally:
        _release(conn, run_id)


class Heartbeat:
    """A daemon thread that refreshes ``heartbeat_at`` of a run (and shard) while a block runs.

    Each beat opens its own short connection: nothing is shared with the working
    connection, and a beat that fails (the server restarting) is logged and retried at the
    next beat. ``every`` seconds between beats.
    """

    def __init__(self, url: str, run_id: int, shard_index: int | None = None, *, every: float = 30.0) -> None:
        self.url, self.run_id, self.shard_index, self.every = url, run_id, shard_index, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"heartbeat-run-{run_id}", daemon=True)
        self.beats = 0

    def beat(self) -> bool:
        """One heartbeat now; False when it could not be written."""
        try:
            with connect(self.url, autocommit=True) as conn:
                execute(conn, "runs/heartbeat", {"run_id": self.run_id, "shard_index": self.shard_index})
        except Exception as exc:  # a missed beat is not a failure of the run
            log.info("heartbeat missed", extra={"run_id": self.run_id, "error": str(exc).splitlines()[0]})
            return False
        self.beats += 1
        return True

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.beat()

    def __enter__(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _reap(conn: psycopg.Connection, settings: Settings, month: dt.date | None,
          run_id: int | None) -> list[str]:
    running = fetch_all(conn, "runs/running_work", {"month": month, "run_id": run_id})
    if not running:
        return []
    said: list[str] = []
    # A shard of a sharded run lives while its shard lock is held; the one shard of an unsharded
    # run is computed by the run's own process, under the run's lease.
    shards = [(rid, index, mode) for rid, mode, _last, _idle, indexes in running for index in indexes]
    if shards:
        halves = [key_halves(lock_key(*shard_key(rid, index)) if mode == "sharded" else lease_key(rid))
                  for rid, index, mode in shards]
        for rid, index, error in fetch_all(conn, "runs/reap_shards", {
            "run_ids": [s[0] for s in shards], "shard_indexes": [s[1] for s in shards],
            "high": [h for h, _ in halves], "low": [lo for _, lo in halves],
        }):
            said.append(f"shard {index} of run {rid} failed: {error}")
    lease_s = settings.run_lease_minutes * 60
    # The run's last sign of life as it was before this sweep failed its shards (a shard failed
    # here gets finished_at = now, which is no sign of life of the run).
    gone: list[tuple[int, str, dt.datetime]] = []
    for rid, mode, last, idle_s, _indexes in running:
        if mode != "sharded":
            gone.append((rid, "its process ended without finishing the run", last))
        elif idle_s is not None and idle_s > lease_s:
            gone.append((rid, f"no process worked on it for {idle_s / 60:.0f} min, "
                              f"longer than the {settings.run_lease_minutes:g} min lease", last))
    if gone:
        halves = [key_halves(lease_key(g[0])) for g in gone]
        for rid, error, shards_failed in fetch_all(conn, "runs/reap_runs", {
            "run_ids": [g[0] for g in gone], "whys": [g[1] for g in gone], "last_signs": [g[2] for g in gone],
            "high": [h for h, _ in halves], "low": [lo for _, lo in halves],
        }):
            with_shards = f" with {shards_failed} running shard(s)" if shards_failed else ""
            said.append(f"run {rid} failed{with_shards}: {error}")
    return said


def sweep(
    conn: psycopg.Connection,
    settings: Settings,
    url: str,
    *,
    month: dt.date | None = None,
    run_id: int | None = None,
) -> list[str]:
    """Record pending failures, then fail abandoned runs and shards (of ``month`` or ``run_id``).

    ``conn`` is a connection to ``url`` (the URL names the pending failures to record).

    Returns one line per change (also logged as warnings). Never raises for lack of
    privileges (a read-only role listing runs): then nothing is changed.
    """
    said: list[str] = []
    try:
        with conn.transaction():
            said += replay_pending(conn, url, spool_dir(settings))
            said += _reap(conn, settings, month, run_id)
    except errors.InsufficientPrivilege:
        log.info("no privilege to record abandoned runs; listing them as they are")
        return []
    for line in said:
        log.warning("abandoned work recorded", extra={"detail": line})
    return said
