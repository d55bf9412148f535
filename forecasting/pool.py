"""The engine's worker processes: a process pool whose workers cannot outlive the process that made it.

A worker computes for its parent only: once the parent is gone (``kill -9``, a lost
container, the OOM killer) its results have nowhere to go, and while it lives it keeps
whatever the parent had open when it forked (issue #24: database sessions holding a
run's lease and month lock, so the run looked alive and the month stayed blocked).

Why this design, and not another:

- **fork stays the start method** where the platform has it. ``spawn`` and ``forkserver``
  would not inherit the parent's sockets, but they re-import the caller's ``__main__``
  in every worker (scripts without a main guard break) and cost seconds per worker.
  Inherited file descriptors are instead the business of their owner: the application's
  database layer points its sockets at /dev/null in any forked child
  (``planfact.db.connect``), which keeps this package free of database code.
- **a parent-death signal** (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set by each
  worker as it starts): the kernel kills the worker the instant its parent dies, with no
  polling and no cooperation from a parent that died by SIGKILL. SIGKILL, because a
  worker has nothing to clean up. The signal fires when the *thread* that forked the
  worker ends; the pool forks from the thread that submits work, which waits in
  :func:`~forecasting.fitting.fit_local` until the pool is shut down, so only the
  process's death ends it first.
- **a watchdog thread** in each worker that exits the process once ``os.getppid()``
  is no longer the parent: the portable fallback (macOS and the BSDs have no
  ``prctl``), and the check that closes the race of a parent dying between the fork and
  the ``prctl`` call.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context

__all__ = ["worker_pool", "bind_to_parent", "WATCH_SECONDS"]

logger = logging.getLogger(__name__)

WATCH_SECONDS = 0.5  # how often a worker's watchdog looks for its parent
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_ORPHANED = 70  # exit status of a worker whose parent is gone (EX_SOFTWARE)


def _death_signal() -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux); False if unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            return True
        logger.debug("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    except (OSError, AttributeError):  # no libc symbol table (static builds): the watchdog remains
        logger.debug("prctl unavailable", exc_info=True)
    return False


def _watch(parent: int, every: float) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(_ORPHANED)  # from a thread: ends the whole worker at once, no cleanup to run


def bind_to_parent(parent: int, *, death_signal: bool = True, every: float = WATCH_SECONDS) -> None:
    """Make this process end when process ``parent`` (its parent) ends.

    Call first thing in a child. ``death_signal=False`` leaves only the watchdog (tests).
    """
    if death_signal:
        _death_signal()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(_ORPHANED)
    threading.Thread(target=_watch, args=(parent, every), name="parent-watchdog", daemon=True).start()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, each bound to this process (see the module docstring)."""
    # fork where available (why not spawn or forkserver: the module docstring). Workers never
    # run LightGBM/OpenMP, so inheriting the parent's thread pools after fork is harmless.
    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=get_context(method), initializer=bind_to_parent,
                               initargs=(os.getpid(),))
