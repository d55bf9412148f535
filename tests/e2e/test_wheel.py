"""planfact installs as a wheel and runs from an empty folder, with no checkout in sight.

Builds the wheel, installs it into a fresh virtual environment outside the checkout, and
from an empty folder runs ``planfact runs list`` (which makes the embedded database and says
where) and ``planfact db upgrade``, loads a small generated file and
forecasts one month on the embedded server (which lands under that folder, never inside
site-packages). Slow: the install resolves the whole stack (from uv's cache when warm).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import FIXTURES, ROOT

pytestmark = pytest.mark.slow


def _uv() -> list[str]:
    for python in (sys.executable, shutil.which("python3") or ""):
        if python and subprocess.run([python, "-m", "uv", "--version"], capture_output=True).returncode == 0:
            return [python, "-m", "uv"]
    pytest.skip("uv is not installed (make installs it with the dev extra); the wheel test needs it")


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


def test_wheel_installs_and_runs_a_month_from_an_empty_folder(tmp_path: Path) -> None:
    uv = _uv()
    dist = tmp_path / "dist"
    # Build from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".planfact", "out", "build", "*.egg-info", "__pycache__", ".*_cache"))
    subprocess.run([*uv, "build", "--wheel", "--out-dir", str(dist), str(source)], check=True,
                   capture_output=True, timeout=300)
    wheel = next(dist.glob("planfact-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([*uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    lock = ROOT / "requirements.lock"
    constraints = ["--constraint", str(lock)] if lock.is_file() else []
    subprocess.run([*uv, "pip", "install", "-q", "--python", str(python), *constraints, str(wheel)],
                   check=True, timeout=900)
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
        assert str(ROOT) not in where and str(venv) in where
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
