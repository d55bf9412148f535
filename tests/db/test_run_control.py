"""Run control on real PostgreSQL: a killed run, the month lock, and the command line."""

from __future__ import annotations

import datetime as dt
import os
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
from planfact.errors import PlanfactError
from planfact.runs import run_month
from planfact.runs.locks import held_lock
from support.run_data import EXPERIMENTS, STORES, load_two_versions

JULY = dt.date(2015, 7, 1)

# Runs a month in a child process whose shard transaction has COPYed every row, then
# announces it and hangs, so the test can kill it at the worst moment.
_KILLED_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import planfact.runs.shards as shards
    from planfact.runs import run_month
    from planfact.config import Settings

    real = shards.write_results
    def write_and_hang(*args, **kwargs):
        counts = real(*args, **kwargs)
        Path(sys.argv[2]).write_text("written")
        time.sleep(120)
        return counts
    shards.write_results = write_and_hang
    run_month(Settings(database_url=sys.argv[1], workers=1), "2015-07", experiments=sys.argv[3],
              progress=False)
""")


def _count(conn: psycopg.Connection, query: str) -> int:
    row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def test_a_killed_run_leaves_no_rows_and_the_next_run_takes_over(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    flag = tmp_path / "written"
    child = subprocess.Popen([sys.executable, "-c", _KILLED_CHILD, resolve_url(settings), str(flag),
                              str(EXPERIMENTS)])
    try:
        deadline = time.monotonic() + 90
        while not flag.exists():
            assert child.poll() is None, "the child run ended before writing"
            assert time.monotonic() < deadline, "the child run did not reach its write"
            time.sleep(0.2)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    conn.rollback()
    assert conn.execute("select status from forecast.run").fetchall() == [("running",)]
    for table in ("forecast_value", "selection", "backtest_metric", "plan_assignment"):
        assert _count(conn, f"select count(*) from forecast.{table}") == 0, table

    outcome = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    rows = conn.execute("select run_id, status, error from forecast.run order by run_id").fetchall()
    assert rows[0][1] == "failed" and "abandoned" in rows[0][2]
    assert rows[1] == (outcome.run_id, "succeeded", None)
    plan = conn.execute("select run_id from forecast.plan_of_record").fetchall()
    assert plan == [(outcome.run_id,)]


def test_the_month_lock_stops_a_second_run_clearly(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    url = resolve_url(settings)
    with held_lock(url, JULY):  # another process running the month
        with pytest.raises(PlanfactError, match="another forecast run for 2015-07 .*not waiting"):
            run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False, lock_wait=0)
        with pytest.raises(PlanfactError, match=r"gave up after waiting 0\.3 s"):
            run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False, lock_wait=0.3)
    with (
        held_lock(url, JULY, shared=True),  # shards share the month ...
        held_lock(url, JULY, shared=True),
        pytest.raises(PlanfactError, match="another forecast run for 2015-07"),  # ... not with a run
    ):
        run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False, lock_wait=0)
    with held_lock(url, dt.date(2015, 8, 1)):  # another month does not block
        assert run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False).status == "succeeded"
    assert _count(conn, "select count(*) from forecast.run") == 1


def _planfact(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "planfact", *args], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.mark.slow  # seven planfact subprocesses, each importing the whole stack
def test_command_line_run_list_show_promote(
    cli_env: dict[str, str], settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    env = dict(cli_env, PLANFACT_WORKERS="1")
    month = _planfact(env, "run", "month", "2015-07", "--experiments", str(EXPERIMENTS), "--no-progress")
    assert month.returncode == 0, month.stderr
    assert f"{STORES} series" in month.stdout and "run id: 1" in month.stdout
    again = _planfact(env, "run", "month", "2015-07", "--experiments", str(EXPERIMENTS), "--no-progress")
    assert again.returncode == 0 and "reusing run 1" in again.stdout
    # The same database in-process (fewer slow subprocess start-ups): an experiment run.
    assert run_month(settings, "2015-07", experiments=EXPERIMENTS, kind="experiment",
                     progress=False).run_id == 2

    listed = _planfact(env, "runs", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:5] == ["run", "month", "kind", "status", "plan"]
    assert lines[2].split()[:4] == ["2", "2015-07", "experiment", "succeeded"]
    assert lines[3].split()[:5] == ["1", "2015-07", "production", "succeeded", "yes"]
    shown = _planfact(env, "runs", "show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "(plan of record)" in shown.stdout and "shard 1: succeeded" in shown.stdout

    refused = _planfact(env, "plan", "promote", "2")
    assert refused.returncode == 1 and "experiment runs never become plans" in refused.stderr
    assert refused.stderr.strip().count("\n") == 0 and "Traceback" not in refused.stderr
    missing = _planfact(env, "runs", "show", "99")
    assert missing.returncode == 2 and "no run 99" in missing.stderr
    bad = _planfact(env, "run", "month", "2015-13")
    assert bad.returncode == 2 and "expected YYYY-MM" in bad.stderr


def test_wrong_or_unmigrated_database_is_one_line(empty_db_url: str, tmp_path: Path) -> None:
    env = dict(os.environ, PLANFACT_DATABASE_URL=empty_db_url, PLANFACT_STATE_DIR=str(tmp_path))
    listed = _planfact(env, "runs", "list")
    assert listed.returncode == 2 and "planfact db upgrade" in listed.stderr
    assert listed.stderr.strip().count("\n") == 0
