"""A reader that closes the pipe early (``planfact runs list | head``) ends the command quietly."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# The handler of `data generate` is swapped for one that prints far more than a pipe buffers,
# so the write fails with EPIPE exactly as `runs list` does when `head` has read its lines.
SCRIPT = textwrap.dedent(
    """
    import sys
    from planfact.cli import data, main

    def flood(args, settings):
        for i in range(200_000):
            print("run", i)
        return 0

    data._generate = flood
    sys.exit(main(["data", "generate", "--out", "unused"]))
    """
)


def test_a_closed_pipe_ends_quietly_without_an_error_line() -> None:
    reader = subprocess.Popen(["head", "-n", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    writer = subprocess.run([sys.executable, "-c", SCRIPT], stdout=reader.stdin, stderr=subprocess.PIPE,
                            text=True, timeout=120)
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.close()
    head = reader.stdout.read()
    reader.wait(timeout=30)
    assert head.decode().splitlines() == ["run 0", "run 1"]
    assert writer.returncode == 141
    assert writer.stderr == ""
