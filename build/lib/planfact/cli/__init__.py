"""The ``planfact`` command line: one parser, subcommands registered by command modules.

Each module in ``planfact.cli`` exposes ``register(subparsers)`` and sets a
``handler(args, settings) -> int`` default on its parsers.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

import psycopg
import sqlalchemy.exc

from planfact import __version__
from planfact.config import get_settings
from planfact.errors import PlanfactError
from planfact.logs import configure_logging

__all__ = ["main", "build_parser", "COMMAND_MODULES"]

# Order here is the order of the help text: the data flow, then the helpers around it.
COMMAND_MODULES: tuple[str, ...] = (
    "planfact.cli.database",
    "planfact.cli.load",
    "planfact.cli.data",
    "planfact.cli.mart",
    "planfact.cli.run",
    "planfact.cli.report",
    "planfact.cli.demo",
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered subcommand."""
    parser = _Parser(
        prog="planfact",
        description="Monthly plan-vs-actual for retail sales on PostgreSQL.",
    )
    parser.add_argument("--version", action="version", version=f"planfact {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0 if args.command is None else 2
    try:
        settings = get_settings()
        configure_logging(settings.log_level, settings.log_format)
        return int(args.handler(args, settings) or 0)
    except PlanfactError as exc:
        print(f"planfact: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (psycopg.OperationalError, sqlalchemy.exc.OperationalError) as exc:
        # A server that cannot be reached is a configuration problem: usage exit code.
        print(f"planfact: error: database unreachable: {_first_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("planfact: interrupted", file=sys.stderr)
        return 130


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def run() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":
    run()
