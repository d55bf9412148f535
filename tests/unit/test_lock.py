"""Dependencies are locked: uv.lock is what pyproject.toml resolves to, requirements.lock (the pip
fallback) pins the very same versions, and the Celery pair that works is the one pinned."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from support import ROOT

UV_LOCK = ROOT / "uv.lock"
REQUIREMENTS = ROOT / "requirements.lock"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _uv_lock() -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for package in tomllib.loads(UV_LOCK.read_text(encoding="utf-8"))["package"]:
        if package.get("source", {}).get("editable") or package["name"] == "planfact":
            continue
        packages.setdefault(_norm(package["name"]), set()).add(package["version"])
    return packages


def _requirements() -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            pins.setdefault(_norm(match[1]), set()).add(match[2])
    return pins


def test_the_pip_fallback_pins_exactly_the_locked_versions() -> None:
    locked, pinned = _uv_lock(), _requirements()
    assert len(pinned) > 150  # the whole stack, extras included
    assert pinned == locked
    text = REQUIREMENTS.read_text(encoding="utf-8")
    assert "--hash=sha256:" in text and "-e " not in text  # hash-checked, the project itself not in it


def test_celery_and_its_provider_are_pinned_to_the_pair_that_works() -> None:
    locked = _uv_lock()
    assert locked["celery"] == {"5.6.3"}  # 5.7.0 with provider 3.26.0 crashes the scheduler
    assert locked["apache-airflow-providers-celery"] == {"3.26.0"}
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]["airflow"]
    assert any(re.fullmatch(r"celery\[redis\]>=5\.6\.3,<5\.7", spec) for spec in extra), extra


def test_uv_lock_is_up_to_date_with_pyproject() -> None:
    uv = [sys.executable, "-m", "uv"]
    if subprocess.run([*uv, "--version"], capture_output=True).returncode != 0:
        if not shutil.which("uv"):
            pytest.skip("uv is not installed (make installs it with the dev extra)")
        uv = ["uv"]
    done = subprocess.run([*uv, "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"run `make lock`: {done.stderr[-2000:]}"


def test_make_installs_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "uv sync -q --locked --all-extras" in makefile
    assert "--no-deps -r requirements.lock" in makefile
    assert re.search(r"^lock:", makefile, re.M) and "uv export --frozen --all-extras" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    # The image: the dependencies exactly as locked (uv sync --frozen, never re-resolved), planfact
    # itself as a regular (not editable) install of its wheel, adding no dependency of its own.
    assert "uv.lock" in dockerfile and re.search(r"uv sync --frozen\b", dockerfile)
    assert re.search(r"uv pip install [^\n]*--no-deps[^\n]*\.whl", dockerfile)
    assert "--editable" not in dockerfile and not re.search(r"pip install[^\n]* -e ", dockerfile)
