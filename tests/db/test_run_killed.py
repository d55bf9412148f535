"""A ``planfact run month`` killed with SIGKILL while its engine workers compute (issue #24).

The parent is a real ``planfact`` process with two engine worker processes; only the parent
is killed, as ``kill -9`` of a backgrounded command does. Its workers must die with it and
hold none of its database sessions, so its run lease and month lock go at once: the sweep
fails the run as abandoned with its real last heartbeat, and the next run of the month
proceeds without ``--force``. Processes are read from /proc (Linux).
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest

from planfact.config import Settings
from planfact.db.server import resolve_url
from planfact.runs import run_month
from planfact.runs.lease import sweep
from support import FIXTURES
from support.cli_run import database_env, run_cli
from support.processes import HAS_PROC, alive, children, kill_session, wait_gone
from support.run_data import EXPERIMENTS as RUN_EXPERIMENTS
from support.run_data import FIRST_DAY, load_two_versions, rossmann_frame, write_rossmann

pytestmark = pytest.mark.skipif(not HAS_PROC, reason="reads /proc (Linux)")

EXPERIMENTS = FIXTURES / "worker_experiments.toml"
STORES = 64  # eight chunks of eight series: both workers get work
HEARTBEAT = 2.0  # seconds (PLANFACT_HEARTBEAT_SECONDS)


# Holds what a running run holds (a session advisory lock like its lease, and a transaction
# holding an advisory lock like its month lock), on connections of planfact.db.connect; forks
# a child that is NOT bound to it (a plain multiprocessing fork), prints the child's pid and
# waits to be killed.
_HOLDER = textwrap.dedent("""
    import multiprocessing, sys, time
    from planfact.db.connect import connect

    lease = connect(sys.argv[1], autocommit=True)
    lease.execute("select pg_advisory_lock(%s)", (int(sys.argv[2]),))
    month = connect(sys.argv[1])
    month.execute("select pg_advisory_xact_lock(%s)", (int(sys.argv[2]) + 1,))
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(120,))
    child.start()
    print(child.pid, flush=True)
    time.sleep(120)
""")


def _planfact(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "planfact", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def _run_row(conn: psycopg.Connection, run_id: int) -> tuple:
    conn.rollback()
    row = conn.execute(
        "select r.status, r.error, to_char(greatest(r.started_at, r.heartbeat_at, max(s.started_at),"
        " max(s.heartbeat_at)) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
        " extract(epoch from greatest(r.heartbeat_at, max(s.heartbeat_at)))"
        " from forecast.run as r join forecast.run_shard as s using (run_id)"
        " where r.run_id = %s group by r.run_id", (run_id,)).fetchone()
    conn.rollback()
    assert row is not None
    return row


@pytest.mark.slow  # two planfact runs in subprocesses (~45 s on a busy two-core machine)
def test_a_run_killed_in_its_engine_takes_its_workers_and_frees_the_month(
    cli_env: dict[str, str], db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    from planfact.actuals import load_actuals

    history = rossmann_frame(FIRST_DAY, dt.date(2015, 6, 30), stores=STORES)
    loaded = load_actuals(conn, write_rossmann(history, tmp_path / "train.csv"), new_series=True)
    assert loaded.version_id is not None, loaded.message
    env = dict(cli_env, PLANFACT_WORKERS="2", PLANFACT_HEARTBEAT_SECONDS=str(HEARTBEAT))
    argv = [sys.executable, "-m", "planfact", "run", "month", "2015-07", "--experiments", str(EXPERIMENTS),
            "--no-progress"]
    # Its own session, so whatever the test leaves behind on failure is found and killed.
    output = tmp_path / "killed-run.log"  # a file, not a pipe nobody reads that could fill and block it
    with output.open("w") as log:
        parent = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        workers: list[int] = []
        while len(workers) < 2:  # the engine phase: its worker processes are alive
            if parent.poll() is not None:
                raise AssertionError(f"the run ended before its workers were seen:\n{output.read_text()}")
            assert time.monotonic() < deadline, "the run never started its engine workers"
            time.sleep(0.02)
            workers = children(parent.pid)
        # Stopped first, so the pool cannot finish between seeing its workers and the kill: they
        # wait for their stopped parent's next task. Then killed as `kill -9` kills it.
        parent.send_signal(signal.SIGSTOP)
        time.sleep(0.2)
        assert sorted(alive(workers)) == sorted(workers), "the workers ended before their parent was killed"
        parent.send_signal(signal.SIGKILL)
        killed_at = time.time()
        parent.wait(timeout=10)

        left = wait_gone(workers, 10, session=parent.pid)
        assert not left, f"processes {left} of killed run {parent.pid} (workers {workers}) alive after 10 s"

        with database_env(db_url, PLANFACT_STATE_DIR=env["PLANFACT_STATE_DIR"]):
            while True:  # every `runs list` sweeps; within two heartbeats the run is failed
                listed = run_cli("runs", "list")
                assert listed.code == 0, listed.stderr
                status, error, last_beat, beat_epoch = _run_row(conn, 1)
                if status == "failed" or time.time() > killed_at + 2 * HEARTBEAT:
                    break
                time.sleep(0.2)
        assert status == "failed", f"run 1 is still {status} {2 * HEARTBEAT:g} s after its kill"
        why = "its process ended without finishing the run"
        assert error == f"abandoned: last heartbeat {last_beat} UTC ({why})"
        assert "abandoned: last heartbeat" in listed.stdout
        assert killed_at - float(beat_epoch) <= 2 * HEARTBEAT  # a real beat, of the run's last moments

        again = _planfact(env, "run", "month", "2015-07", "--experiments", str(EXPERIMENTS), "--no-progress",
                          "--lock-wait", "10")
        assert again.returncode == 0, again.stderr
        assert "run id: 2" in again.stdout
        assert _run_row(conn, 2)[0] == "succeeded"
        conn.rollback()
        assert conn.execute("select run_id from forecast.plan_of_record").fetchall() == [(2,)]
    finally:
        kill_session(parent.pid)  # a failed test leaves no orphan holding locks
        parent.wait(timeout=10)


def test_a_forked_child_holds_none_of_its_killed_parents_sessions(
    db_url: str, conn: psycopg.Connection
) -> None:
    """The sweep sees a killed parent even while a child it forked lives on."""
    key = 424242
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, db_url, str(key)], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        assert holder.stdout is not None
        child = int(holder.stdout.readline())
        held = "select count(*) from pg_locks where locktype = 'advisory' and objid in (%s, %s) and granted"
        assert conn.execute(held, (key, key + 1)).fetchone() == (2,)
        conn.rollback()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 5
        while (left := conn.execute(held, (key, key + 1)).fetchone()) != (0,):
            conn.rollback()
            assert time.monotonic() < deadline, f"locks of the killed process still held: {left}"
            time.sleep(0.1)
        assert alive([child]) == [child]  # ... though its child still runs
    finally:
        kill_session(holder.pid)
        holder.wait(timeout=10)


def test_an_abandoned_run_names_its_last_heartbeat_not_the_sweep(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    """The sweep fails a dead run's shards first; that is no sign of life of the run."""
    load_two_versions(conn, tmp_path)
    run_id = run_month(settings, "2015-07", experiments=RUN_EXPERIMENTS, progress=False).run_id
    # As a killed run leaves it: running, last beats long ago, nobody holding its lease.
    conn.execute("update forecast.run set status = 'running', finished_at = null, error = null,"
                 " started_at = '2015-07-31 21:00:00+00', heartbeat_at = '2015-07-31 22:00:00+00'")
    conn.execute("update forecast.run_shard set status = 'running', finished_at = null,"
                 " started_at = '2015-07-31 21:00:01+00', heartbeat_at = '2015-07-31 22:00:05+00'")
    conn.commit()
    said = sweep(conn, settings, resolve_url(settings), month=dt.date(2015, 7, 1))
    last = "abandoned: last heartbeat 2015-07-31 22:00:05 UTC"
    assert said == [f"shard 1 of run {run_id} failed: {last} (its process ended without finishing the shard)",
                    f"run {run_id} failed: {last} (its process ended without finishing the run)"]
