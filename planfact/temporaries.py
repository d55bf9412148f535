"""Atomic file writes: a file is written under a temporary name and renamed when complete.

The one owner of temporary names. A writer writes ``<name>.tmp<pid>`` in the folder of the
final name (a rename within a folder is atomic) and renames it when complete, so a reader (a
landing folder's DAG, a person) sees either no file or a whole one. Reports write
``plan_fact_<month>.<fmt>.tmp<pid>`` (and ``.plan_fact_<month>.<fmt>.tmp<pid>`` while they swap
the stable name), ``data split-months`` its ``actuals_``/``plan_YYYY-MM.csv.gz.tmp<pid>``. A
writer that fails removes its own; one that was killed cannot, so each writer first sweeps the
folder for the temporaries (of its own names) of writers that are surely over: of a process
that no longer runs, or older than a day (the process number was reused), and never a file of
a writer still running.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

__all__ = ["temporary_suffix", "temporary_path", "sweep_temporaries", "remove_own_temporaries"]

log = logging.getLogger(__name__)

REPORTS = ("plan_fact_",)
_OLD_SECONDS = 24 * 3600


def temporary_suffix() -> str:
    """The suffix of this process's temporary files."""
    return f".tmp{os.getpid()}"


def temporary_path(final: Path) -> Path:
    """Where this process writes ``final`` before renaming it (same folder: an atomic rename)."""
    return final.with_name(final.name + temporary_suffix())


def _pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(p) for p in prefixes)
    return re.compile(rf"^\.?(?:{names}).+\.tmp(?P<pid>\d+)$")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    return True


def sweep_temporaries(folder: Path, prefixes: tuple[str, ...] = REPORTS) -> list[Path]:
    """Remove the temporary files of names starting with ``prefixes`` in ``folder`` left by
    writers that are over (see the module doc); this process's own count as over (its writers
    run one at a time). Returns them."""
    removed: list[Path] = []
    now = time.time()
    temporary = _pattern(prefixes)
    for path in folder.iterdir():
        match = temporary.match(path.name)
        if match is None or not path.is_file():
            continue
        pid = int(match["pid"])
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # its render just finished
            continue
        if pid != os.getpid() and _running(pid) and age < _OLD_SECONDS:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    if removed:
        log.info("stale temporary files removed", extra={"files": [p.name for p in removed]})
    return removed


def remove_own_temporaries(folder: Path, prefixes: tuple[str, ...] = REPORTS) -> None:
    """Remove what this process's writer left under temporary names (it failed or is done)."""
    suffix = temporary_suffix()
    for prefix in prefixes:
        for path in folder.glob(f"*{prefix}*{suffix}"):
            path.unlink(missing_ok=True)
