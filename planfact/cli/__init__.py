"""The ``planfact`` command line: one parser, subcommands registered by command modules.

Each module in ``planfact.cli`` exposes ``register(subparsers)`` and sets a
``handler(args, settings) -> int`` default on its parsers. Before a handler runs, the
database schema is checked (``planfact.db.schema``: the embedded database is migrated, an
external one that is not at head is a usage error) unless its parser sets
``needs_schema=False``.

Exit codes: 0 done; 1 bad input (a file refused, missing or unreadable; data that cannot serve
a well-formed request, e.g. no actuals or plan of record for the month; a failed run or data
test); 2 usage (command, option, setting, an argument naming nothing such as run 999, an output
folder that cannot be used, database unreachable, schema missing or behind); 3 an internal
error (a bug: one line; ``PLANFACT_LOG_LEVEL=DEBUG`` prints the traceback). In short: 2 when
the command line is wrong, 1 when the data is. Every error is one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

import psycopg
import sqlalchemy.exc

from planfact import __version__
from planfact.config import Settings, get_settings
from planfact.errors import PlanfactError
from planfact.logs import configure_logging

__all__ = ["main", "build_parser", "COMMAND_MODULES", "INTERNAL_ERROR"]

INTERNAL_ERROR = 3
# Commands that bring their own database handling: migrations, and the demo (migrates itself).
_NO_SCHEMA = ("db", "demo")

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
    for command in _NO_SCHEMA:
        if command in sub.choices:
            sub.choices[command].set_defaults(needs_schema=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # A bare `planfact` is a usage error like a bare `planfact run`: one line, exit 2. (Not a
        # required subparser: then argparse would name the missing command before a bad option.)
        parser.error("the following arguments are required: COMMAND")
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = get_settings()
        configure_logging(settings.log_level, settings.log_format)
        if getattr(args, "needs_schema", True):
            _check_schema(settings)
        return int(args.handler(args, settings) or 0)
    except PlanfactError as exc:
        print(f"planfact: error: {_one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except (psycopg.OperationalError, sqlalchemy.exc.OperationalError) as exc:
        # A server that cannot be reached is a configuration problem: usage exit code.
        print(f"planfact: error: database unreachable: {_first_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `planfact runs list | head`: the reader has gone; like any Unix filter, stop quietly
        # (stdout is pointed at /dev/null so the interpreter's final flush cannot fail again).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a filter killed by the pipe
    except OSError as exc:
        # A path given on the command line that cannot be read or written (a missing folder...).
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"planfact: error: {where}{exc.strerror or _first_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("planfact: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise is one line, never a traceback: a bug still gets one
        # (the level is set on planfact's logger, the root stays at WARNING: see planfact.logs)
        if logging.getLogger("planfact").isEnabledFor(logging.DEBUG):
            traceback.print_exc()
        print(
            f"planfact: internal error: {type(exc).__name__}: {_first_line(exc)} "
            "(a bug; PLANFACT_LOG_LEVEL=DEBUG shows the traceback)",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


def _check_schema(settings: Settings) -> None:
    from planfact.db.schema import ensure_schema
    from planfact.db.server import resolve_url

    embedded = settings.database_url is None
    data_dir = settings.state_dir / "pgdata"
    new = embedded and not data_dir.exists()
    ensure_schema(resolve_url(settings), embedded=embedded)
    _check_calendar(settings)
    if new:
        # A command run in the wrong folder would otherwise show an empty database in silence.
        print(
            f"planfact: note: no PLANFACT_DATABASE_URL, so a new embedded database was made in {data_dir} "
            "(run planfact in the folder that holds your .planfact, or set PLANFACT_DATABASE_URL)",
            file=sys.stderr,
        )


def _check_calendar(settings: Settings) -> None:
    """Record the settings' calendar at the database's first use; refuse another one later."""
    from planfact.calendars import use_calendar
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url

    with connect(resolve_url(settings), autocommit=True) as conn:
        use_calendar(conn, settings)


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")) if "\n" in text else text


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def run() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":
    run()
