"""planfact installs as a wheel and runs from an empty folder, with no checkout in sight.

Builds the wheel from the working tree and installs it over the editable planfact of the
session's fresh install (a clone with ``make venv`` run in it, tests/support/install.py:
exactly the locked dependencies), so uv resolves the wheel's own requirements against the
lock without installing the stack a second time. Then from an empty folder it runs
``planfact runs list`` (which makes the embedded database and says where) and
``planfact db upgrade``, loads a small generated file and forecasts one month on the embedded
server (which lands under that folder, never inside site-packages).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from support import FIXTURES, ROOT
from support.install import FreshInstall, build_wheel, uv

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fresh_install")]


def _stop_server(data_dir: Path) -> None:
    """Stop the embedded server the installed planfact started (it outlives its commands)."""
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.is_file():
        return
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, signal.SIGINT)  # fast shutdown
    except ProcessLookupError:
        return
    for _ in range(100):
        if not pid_file.exists():
            return
        time.sleep(0.1)


def test_wheel_installs_and_runs_a_month_from_an_empty_folder(
    fresh_install: FreshInstall, tmp_path: Path
) -> None:
    wheel = build_wheel(tmp_path)
    python = fresh_install.python
    venv = python.parent.parent
    lock = fresh_install.clone / "requirements.lock"
    subprocess.run([*uv(), "pip", "install", "-q", "--python", str(python), "--reinstall-package", "planfact",
                    "--constraint", str(lock), str(wheel)], check=True, timeout=900)
    planfact = venv / "bin" / "planfact"
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANFACT_") and k != "PYTHONPATH"}
    env["PLANFACT_WORKERS"] = "1"

    def run(*args: str, timeout: float = 600) -> str:
        done = subprocess.run([str(planfact), *args], cwd=work, env=env, capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, f"planfact {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    try:
        # The installed package, not the checkout: its files live in the new venv.
        where = subprocess.run([str(python), "-c", "import planfact, forecasting, reports; "
                                "print(planfact.__file__, forecasting.__file__, reports.__file__)"],
                               cwd=work, env=env, capture_output=True, text=True, check=True).stdout
        assert str(ROOT) not in where and all(str(venv) in p for p in where.split()), where
        assert str(fresh_install.clone / "planfact") not in where  # the wheel, not the clone's editable
        # A first command in a folder without .planfact makes the embedded database, migrates
        # it and says where (a command run in the wrong folder must not show an empty one in
        # silence); later commands say nothing.
        first = subprocess.run([str(planfact), "runs", "list"], cwd=work, env=env, capture_output=True,
                               text=True, timeout=600)
        assert first.returncode == 0 and "no runs in the registry" in first.stdout, first.stderr
        assert f"a new embedded database was made in {work / '.planfact' / 'pgdata'}" in first.stderr
        again = subprocess.run([str(planfact), "runs", "list"], cwd=work, env=env, capture_output=True,
                               text=True, timeout=600)
        assert again.returncode == 0 and "embedded database" not in again.stderr, again.stderr
        run("db", "upgrade")
        assert (work / ".planfact" / "pgdata").is_dir()
        assert not list((venv / "lib").rglob("pgdata"))  # no state inside site-packages
        data = work / "data"
        run("data", "generate", "--size", "tiny", "--out", str(data), "--start", "2014-01-01",
            "--end", "2015-06-30")
        run("load", "stores", str(data / "stores.csv.gz"))
        run("load", "holidays", str(data / "holidays_events.csv.gz"))
        # the product families are new to the database: --new-stores creates them (and says so)
        loaded = run("load", "actuals", str(data / "train.csv.gz"), "--new-stores")
        assert "version 1" in loaded
        shutil.copy(FIXTURES / "pipeline_experiments.toml", work / "fast.toml")
        out = run("run", "month", "2015-07", "--experiments", "fast.toml", "--no-progress")
        assert "succeeded" in out
        listed = run("runs", "list")
        assert "2015-07" in listed and "succeeded" in listed
    finally:
        _stop_server(work / ".planfact" / "pgdata")
