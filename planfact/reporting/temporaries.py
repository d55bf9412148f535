"""The temporary files of report renders: named per process, removed when their render is over.

A render writes ``plan_fact_<month>.<fmt>.tmp<pid>`` (and ``.plan_fact_<month>.<fmt>.tmp<pid>``
while it swaps the stable name). A render that fails removes its own; one that was killed
cannot, so each render first sweeps the folder for the files of renders that are surely over:
of a process that no longer runs, or older than a day (the process number was reused), and
never a file of a render still running.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

__all__ = ["temporary_suffix", "sweep_temporaries", "remove_own_temporaries"]

log = logging.getLogger(__name__)

_TEMPORARY = re.compile(r"^\.?plan_fact_.+\.tmp(?P<pid>\d+)$")
_OLD_SECONDS = 24 * 3600


def temporary_suffix() -> str:
    """The suffix of this process's temporary report files."""
    return f".tmp{os.getpid()}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    return True


def sweep_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary report files in ``folder`` left by renders that are over (see the
    module doc); this process's own count as over (its renders run one at a time). Returns them."""
    removed: list[Path] = []
    now = time.time()
    for path in folder.iterdir():
        match = _TEMPORARY.match(path.name)
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
        log.info("stale temporary report files removed", extra={"files": [p.name for p in removed]})
    return removed


def remove_own_temporaries(folder: Path) -> None:
    """Remove what this process's render left under temporary names (it failed or is done)."""
    suffix = temporary_suffix()
    for path in folder.glob(f"*plan_fact_*{suffix}"):
        path.unlink(missing_ok=True)
