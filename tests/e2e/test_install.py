"""`make venv` on two fresh clones installs identical versions, the locked ones."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from support import ROOT

pytestmark = pytest.mark.slow


def _freeze(clone: Path) -> list[str]:
    python = str(clone / ".venv" / "bin" / "python")
    command = [sys.executable, "-m", "uv", "pip", "freeze", "--exclude-editable", "--python", python]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return sorted(line for line in done.stdout.splitlines() if line.strip())


def test_two_fresh_clones_install_the_same_locked_versions(tmp_path: Path) -> None:
    if subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True).returncode != 0:
        pytest.skip("uv is not installed for this interpreter (make installs it)")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    frozen = []
    for name in ("a", "b"):
        clone = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
        done = subprocess.run(["make", "venv"], cwd=clone, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        frozen.append(_freeze(clone))
    assert frozen[0] == frozen[1]
    locked = {
        (re.sub(r"[-_.]+", "-", p["name"]).lower(), p["version"])
        for p in tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))["package"]
    }
    installed = {(re.sub(r"[-_.]+", "-", n).lower(), v) for n, v in (line.split("==") for line in frozen[0])}
    assert len(installed) > 150 and installed <= locked
