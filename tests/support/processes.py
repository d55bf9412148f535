"""Processes as Linux's /proc shows them: who is alive, whose child, in which session.

For the tests that kill a process and look for what it left behind (engine workers,
forked children). Zombies count as gone: they hold no memory, descriptors or sessions.
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import suppress
from pathlib import Path

__all__ = ["HAS_PROC", "alive", "children", "kill_session", "wait_gone"]

HAS_PROC = Path("/proc/self/stat").exists()


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, session id) of a process; None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    return fields[0], int(fields[1]), int(fields[3])


def alive(pids: list[int] | None = None, *, session: int | None = None) -> list[int]:
    """The processes of ``pids`` (default: all) that still run, optionally only those of ``session``."""
    candidates = pids if pids is not None else [int(p) for p in os.listdir("/proc") if p.isdigit()]
    out = []
    for pid in candidates:
        stat = _stat(pid)
        if stat is not None and stat[0] not in "ZXx" and (session is None or stat[2] == session):
            out.append(pid)
    return out


def children(pid: int) -> list[int]:
    """The live child processes of ``pid``."""
    return [p for p in alive() if (_stat(p) or ("Z", 0, 0))[1] == pid]


def wait_gone(pids: list[int], seconds: float, *, session: int | None = None) -> list[int]:
    """Wait up to ``seconds`` for ``pids`` (and every process of ``session``) to end; those left."""
    deadline = time.monotonic() + seconds
    while True:
        left = sorted(set(alive(pids)) | set(alive(session=session) if session is not None else []))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def kill_session(session: int) -> None:
    """SIGKILL every process left in ``session`` (a test's cleanup: no orphan outlives it)."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(session, signal.SIGKILL)
    for pid in alive(session=session):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
