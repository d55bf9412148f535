"""``data split-months`` writes each month file atomically (issue 24, outsider D3): a split that
stops half-way (a bad line, a kill) leaves no month under its final name, where a landing
folder would take the month as arrived; the next split sweeps what a killed one left."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from planfact.actuals.split import split_months
from planfact.errors import InputError
from support.actuals_files import ROSSMANN_HEADER, rossmann_rows, write_csv


def _final_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".csv.gz"))


def test_a_split_that_stops_half_way_leaves_no_month_file(tmp_path: Path) -> None:
    rows = rossmann_rows(2, date(2015, 1, 1), date(2015, 3, 31))  # newest first: March written first
    rows[-1] = rows[-1].replace("2015-01-01", "2015/01/01")
    source = write_csv(tmp_path / "train.csv", ROSSMANN_HEADER, rows)
    out = tmp_path / "months"
    with pytest.raises(InputError, match="unparsable date '2015/01/01'"):
        split_months(source, out)
    assert list(out.iterdir()) == []  # neither final names nor temporaries


def test_a_complete_split_publishes_every_month_and_sweeps_dead_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "months"
    out.mkdir()
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = int(finished.stdout)  # (a process that ran and is gone)
    stale = out / f"actuals_2015-02.csv.gz.tmp{dead}"
    stale.write_bytes(b"\x1f\x8b")
    other = out / f"notes.txt.tmp{dead}"  # (not a name split-months writes: left alone)
    other.write_text("x")
    source = write_csv(
        tmp_path / "train.csv", ROSSMANN_HEADER, rossmann_rows(2, date(2015, 1, 1), date(2015, 2, 28))
    )
    paths = split_months(source, out)
    assert (
        [p.name for p in paths]
        == _final_names(out)
        == [
            "actuals_2015-01.csv.gz",
            "actuals_2015-02.csv.gz",
            "plan_2015-01.csv.gz",
            "plan_2015-02.csv.gz",
        ]
    )
    assert not stale.exists() and other.exists()
    for path in paths:
        with gzip.open(path, "rt") as handle:
            assert len(handle.read().splitlines()) > 1


def test_a_killed_split_leaves_no_partial_month_under_its_final_name(tmp_path: Path) -> None:
    """kill -9 while the split writes: every file under a final name is whole (here: none)."""
    rows = rossmann_rows(60, date(2013, 1, 1), date(2015, 7, 31))  # about 56,000 rows
    source = tmp_path / "train.csv"
    with source.open("w") as handle:
        for copy in range(6):  # the same months again and again: a long split
            handle.write(ROSSMANN_HEADER + "\n" if copy == 0 else "")
            handle.write("\n".join(rows) + "\n")
    out = tmp_path / "months"
    env = {**os.environ, "PLANFACT_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "planfact", "data", "split-months", str(source), "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not (out.is_dir() and any(out.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert process.poll() is None, "the split ended before it could be killed: make the input longer"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert _final_names(out) == []
    assert any(".tmp" in p.name for p in out.iterdir())
