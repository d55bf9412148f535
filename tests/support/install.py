"""The session's one fresh install: a git clone of the checkout with ``make venv`` run in it.

tests/e2e/test_install.py checks that install is exactly the locked versions; test_wheel.py
builds the wheel from the working tree, installs it over the clone's editable planfact and
runs a month with it from an empty folder. Both share the one install (the tests carry the
xdist group ``fresh_install`` so they run on the same worker).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker

from support import ROOT

__all__ = ["FreshInstall", "fresh_install", "build_wheel", "uv", "normalized", "locked_for_this_platform"]

# A requirement line of requirements.lock: ``name==version [; marker] \``
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$", re.MULTILINE)


@dataclass(frozen=True)
class FreshInstall:
    """A clone of the checkout and what ``make venv`` installed into its ``.venv``."""

    clone: Path
    python: Path
    frozen: frozenset[tuple[str, str]]  # (normalized name, version) of every non-editable package


def uv() -> list[str]:
    """``python -m uv`` of an interpreter that has it; skips when none has (make installs it)."""
    for python in (sys.executable, shutil.which("python3") or ""):
        if python and subprocess.run([python, "-m", "uv", "--version"], capture_output=True).returncode == 0:
            return [python, "-m", "uv"]
    pytest.skip("uv is not installed (make installs it with the dev extra); the install tests need it")


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_for_this_platform(lock: Path) -> frozenset[tuple[str, str]]:
    """The (name, version) pins of ``requirements.lock`` whose markers hold for this interpreter."""
    return frozenset(
        (normalized(name), version)
        for name, version, marker in _PIN.findall(lock.read_text(encoding="utf-8"))
        if not marker or Marker(marker).evaluate()
    )


def fresh_install(work: Path) -> FreshInstall:
    """Clone the checkout into ``work`` and run ``make venv`` there, as a new developer would."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    command = uv()
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    done = subprocess.run(["make", "venv"], cwd=clone, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    python = clone / ".venv" / "bin" / "python"
    freeze = subprocess.run([*command, "pip", "freeze", "--exclude-editable", "--python", str(python)],
                            capture_output=True, text=True, check=True).stdout
    frozen = frozenset((normalized(n), v) for n, v in (line.split("==", 1) for line in freeze.split()))
    return FreshInstall(clone, python, frozen)


def build_wheel(work: Path) -> Path:
    """The planfact wheel built from the working tree (a copy: setuptools writes build/ beside it)."""
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".planfact", "out", "build", "*.egg-info", "__pycache__", ".*_cache"))
    dist = work / "dist"
    subprocess.run([*uv(), "build", "--wheel", "--out-dir", str(dist), str(source)], check=True,
                   capture_output=True, timeout=300)
    return next(dist.glob("planfact-*.whl"))
