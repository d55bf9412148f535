"""The load and data commands end to end in a subprocess, and a load killed before its commit."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

from planfact.actuals.loader import LOAD_LOCK, PAUSE_ENV
from planfact.db.locks import lock_key
from support.actuals_files import rossmann_file, snapshot


def _planfact(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planfact", *args], capture_output=True, text=True, env=env, timeout=180
    )


def test_load_split_and_versions_commands(
    cli_env: dict[str, str], conn: psycopg.Connection, tmp_path: Path
) -> None:
    history = rossmann_file(tmp_path / "train.csv.gz", 3, date(2015, 1, 1), date(2015, 3, 31))
    split = _planfact(cli_env, "data", "split-months", str(history), "--out", str(tmp_path / "months"))
    assert split.returncode == 0, split.stderr
    names = sorted(p.name for p in (tmp_path / "months").iterdir())
    assert names == [f"{kind}_2015-{m:02d}.csv.gz" for kind in ("actuals", "plan") for m in (1, 2, 3)]

    months = tmp_path / "months"
    # two files in one command: one data version for the set (the stores are new: --new-stores)
    first = _planfact(
        cli_env,
        "load",
        "actuals",
        str(months / "actuals_2015-01.csv.gz"),
        str(months / "actuals_2015-02.csv.gz"),
        "--new-stores",
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(
        "actuals_2015-01.csv.gz, actuals_2015-02.csv.gz: loaded as version 1 (2 files"
    )
    assert "created 3 store(s) and 0 product group(s); 3 new series" in first.stdout
    plan = _planfact(cli_env, "load", "plan", str(months / "plan_2015-03.csv.gz"))
    assert plan.returncode == 0 and "loaded as version 2" in plan.stdout and "rossmann-plan" in plan.stdout
    march = _planfact(cli_env, "load", "actuals", str(months / "actuals_2015-03.csv.gz"))
    assert "loaded as version 3" in march.stdout
    again = _planfact(cli_env, "load", "actuals", str(months / "actuals_2015-03.csv.gz"))
    assert (
        again.returncode == 0
        and again.stdout.strip() == "actuals_2015-03.csv.gz: already loaded as version 3"
    )

    versions = _planfact(cli_env, "data", "versions")
    assert versions.returncode == 0, versions.stderr
    lines = versions.stdout.strip().splitlines()
    assert len(lines) == 4 and "rows_inserted" in lines[0] and "rossmann-plan" in lines[2]
    # load times to the second with their zone, never raw microseconds
    assert re.search(r"^\s*1 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z]", lines[1]), lines[1]
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d", versions.stdout)
    verify = _planfact(cli_env, "data", "verify")
    assert verify.returncode == 0 and "version 3: all 3 month checksums match" in verify.stdout
    # the replayed months read back as the whole history
    assert conn.execute("select count(*) from core.actuals_as_of(3)").fetchone() == (3 * 90,)
    assert conn.execute("select count(*) from core.planned_as_of(3)").fetchone() == (3 * 31,)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Store,DayOfWeek,Date,Sales,Customers,Open,Promo,StateHoliday,SchoolHoliday\n1,5,2015-07-31,-1,1,1,0,0,0\n"
    )
    refused = _planfact(cli_env, "load", "actuals", str(bad))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"planfact: error: {bad}: line 2, column Sales: negative sales -1.0000 (the layout declares no "
        "returns) (0 other bad rows; the file was not loaded, --quarantine loads the good rows)"
    )


def test_killed_load_leaves_versions_and_facts_unchanged(
    cli_env: dict[str, str], conn: psycopg.Connection, tmp_path: Path
) -> None:
    from planfact.actuals import load_actuals

    load_actuals(
        conn, rossmann_file(tmp_path / "jan.csv", 5, date(2015, 1, 1), date(2015, 1, 31)), new_series=True
    )
    before = snapshot(conn)
    update = rossmann_file(tmp_path / "feb.csv.gz", 5, date(2015, 1, 20), date(2015, 2, 28), bump=3)
    env = dict(cli_env, **{PAUSE_ENV: "120"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "planfact", "load", "actuals", str(update)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 120
        line = ""
        while "load paused" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "the load ended before pausing"
        assert "load paused" in line
        # rows are written but not committed: invisible, and the load lock is held
        assert snapshot(conn) == before
        with conn.transaction():
            held = conn.execute("select pg_try_advisory_xact_lock(%s)", (lock_key(*LOAD_LOCK),)).fetchone()
        assert held == (False,)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = conn.execute(
            "select count(*) from pg_stat_activity"
            " where datname = current_database() and pid <> pg_backend_pid()"
        ).fetchone()
        conn.rollback()
        if busy == (0,):
            break
        time.sleep(0.2)
    assert snapshot(conn) == before
    # the lock was released and the file was not recorded: the same load now goes through
    result = load_actuals(conn, update, new_series=True)
    # (the killed load took version id 2 from the identity: ids may have gaps, never reuse)
    assert result.version_id == 3 and result.restated == 5 * 12 and result.inserted == 5 * 28
    assert conn.execute(
        "select array_agg(version_id order by version_id) from core.data_version"
    ).fetchone() == ([1, 3],)
