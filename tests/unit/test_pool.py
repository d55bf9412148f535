"""Engine worker processes die with their parent (forecasting.pool; issue #24).

The parent is a real Python process killed with SIGKILL, as ``kill -9`` of a run does;
processes are read from /proc (Linux).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from forecasting.pool import bind_to_parent
from support.processes import HAS_PROC, children, kill_session, wait_gone

pytestmark = pytest.mark.skipif(not HAS_PROC, reason="reads /proc (Linux)")

# argv[1] "pool": the engine's pool with two busy workers; "watchdog": one forked child bound
# to its parent by the watchdog alone (no parent-death signal). Prints "ready" once started.
_PARENT = textwrap.dedent("""
    import multiprocessing, os, sys, time
    from forecasting.pool import bind_to_parent, worker_pool

    def watched(parent):
        bind_to_parent(parent, death_signal=False, every=0.1)
        time.sleep(120)

    if sys.argv[1] == "pool":
        pool = worker_pool(2)
        busy = [pool.submit(time.sleep, 120) for _ in range(2)]
    else:
        multiprocessing.get_context("fork").Process(target=watched, args=(os.getpid(),)).start()
    print("ready", flush=True)
    time.sleep(120)
""")


@pytest.mark.parametrize(("how", "count"), [("pool", 2), ("watchdog", 1)])
def test_workers_end_when_their_parent_is_killed(how: str, count: int) -> None:
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, how], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        workers = children(parent.pid)
        assert len(workers) == count
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_gone(workers, 5, session=parent.pid) == []
    finally:
        kill_session(parent.pid)
        parent.wait(timeout=10)


def test_a_worker_whose_parent_is_already_gone_exits_at_once() -> None:
    """The race of a parent dying between the fork and the binding: the worker does not start."""
    child = multiprocessing.get_context("fork").Process(target=bind_to_parent, args=(1,))  # not its parent
    child.start()
    child.join(timeout=10)
    assert child.exitcode == 70


def _report_death_signal(parent: int, out: multiprocessing.SimpleQueue) -> None:
    bind_to_parent(parent)
    armed = ctypes.c_int(0)
    ctypes.CDLL(None, use_errno=True).prctl(2, ctypes.byref(armed), 0, 0, 0)  # PR_GET_PDEATHSIG
    out.put(armed.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_a_worker_on_linux_is_killed_by_the_kernel_when_its_parent_dies() -> None:
    """No polling on Linux: the parent-death signal is armed (SIGKILL)."""
    context = multiprocessing.get_context("fork")
    out = context.SimpleQueue()
    child = context.Process(target=_report_death_signal, args=(os.getpid(), out))
    child.start()
    child.join(timeout=10)
    assert out.get() == signal.SIGKILL
