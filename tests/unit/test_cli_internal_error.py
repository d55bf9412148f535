"""An internal error (a bug) is one line, exit 3; with PLANFACT_LOG_LEVEL=DEBUG the traceback comes
first on stderr, as the one line promises."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

# The handler of `data generate` (no database) is swapped for one that fails like a bug would.
SCRIPT = textwrap.dedent(
    """
    import sys
    from planfact.cli import data, main

    def broken(args, settings):
        raise ZeroDivisionError("a bug in the handler")

    data._generate = broken
    sys.exit(main(["data", "generate", "--out", "unused"]))
    """
)


def _run(level: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PLANFACT_LOG_LEVEL"}
    if level is not None:
        env["PLANFACT_LOG_LEVEL"] = level
    command = [sys.executable, "-c", SCRIPT]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


LAST_LINE = (
    "planfact: internal error: ZeroDivisionError: a bug in the handler "
    "(a bug; PLANFACT_LOG_LEVEL=DEBUG shows the traceback)"
)


@pytest.mark.parametrize("level", [None, "INFO"])
def test_an_internal_error_is_one_line(level: str | None) -> None:
    result = _run(level)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [LAST_LINE]


def test_debug_prints_the_traceback_before_the_line() -> None:
    result = _run("DEBUG")
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):", result.stderr
    assert ", in broken\n" in result.stderr  # the frame that raised
    assert "ZeroDivisionError: a bug in the handler" in lines[-2]
    assert lines[-1] == LAST_LINE
