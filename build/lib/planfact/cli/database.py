"""``planfact db``: start the embedded server, migrate, and show where the database is."""

from __future__ import annotations

import argparse

from sqlalchemy.engine import make_url

from planfact.config import Settings
from planfact.db.migrate import current_revision, downgrade, upgrade
from planfact.db.server import resolve_url

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``db upgrade|downgrade|current|url``."""
    db = sub.add_parser("db", help="migrate the database and show where it is")
    actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="apply migrations (default: to head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=_upgrade)
    down = actions.add_parser("downgrade", help="revert migrations to a revision")
    down.add_argument("revision")
    down.set_defaults(handler=_downgrade)
    actions.add_parser("current", help="print the schema revision").set_defaults(handler=_current)
    url = actions.add_parser("url", help="print the database URL (password hidden)")
    url.set_defaults(handler=_url)


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(resolve_url(settings), args.revision)
    print(f"database at revision {args.revision}")
    return 0


def _downgrade(args: argparse.Namespace, settings: Settings) -> int:
    downgrade(resolve_url(settings), args.revision)
    print(f"database at revision {args.revision}")
    return 0


def _current(args: argparse.Namespace, settings: Settings) -> int:
    print(current_revision(resolve_url(settings)) or "empty (no migrations applied)")
    return 0


def _url(args: argparse.Namespace, settings: Settings) -> int:
    print(make_url(resolve_url(settings)).render_as_string(hide_password=True))
    return 0
