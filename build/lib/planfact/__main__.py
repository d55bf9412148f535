"""``python -m planfact``: the same as the ``planfact`` command."""

from planfact.cli import run

run()
