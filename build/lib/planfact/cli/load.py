"""``planfact load``: actuals, planned flags, stores and holidays into the database."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from planfact.config import Settings

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``load actuals|plan|stores|holidays``."""
    load = sub.add_parser(
        "load", help="load actuals, planned flags, stores or holidays (one version per load)"
    )
    kinds = load.add_subparsers(dest="kind", metavar="KIND", required=True)
    for name, text in (
        ("actuals", "daily sales files (CSV or CSV.gz), one new data version per file that changes anything"),
        ("plan", "known future flags (promo, open, holidays) without sales, versioned like actuals"),
    ):
        parser = kinds.add_parser(name, help=text, description=text)
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--layout",
            default=None,
            help="rossmann, rossmann-plan, favorita, favorita-plan (default: detected from the header)",
        )
        parser.add_argument("--mapping", type=Path, help="TOML mapping of a generic layout's columns")
        parser.add_argument(
            "--quarantine",
            action="store_true",
            help="load the good rows and keep the bad ones in core.rejected_row (default: refuse the file)",
        )
        parser.add_argument("--note", help="free text stored with the version")
        if name == "actuals":
            parser.add_argument(
                "--today",
                type=date.fromisoformat,
                help="refuse dates after this day instead of after today (YYYY-MM-DD; replays)",
            )
        parser.set_defaults(handler=_load_versioned)
    stores = kinds.add_parser("stores", help="store attributes (Rossmann store.csv, Favorita stores.csv)")
    stores.add_argument("file", type=Path, metavar="FILE")
    stores.set_defaults(handler=_load_stores)
    holidays = kinds.add_parser("holidays", help="holidays and events (Favorita holidays_events.csv)")
    holidays.add_argument("file", type=Path, metavar="FILE")
    holidays.set_defaults(handler=_load_holidays)


def _load_versioned(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.actuals import load_actuals, load_plan
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url

    with connect(resolve_url(settings)) as conn:
        for path in args.files:
            if args.kind == "actuals":
                result = load_actuals(
                    conn,
                    path,
                    layout=args.layout,
                    mapping=args.mapping,
                    quarantine=args.quarantine,
                    today=args.today,
                    note=args.note,
                )
            else:
                result = load_plan(
                    conn,
                    path,
                    layout=args.layout,
                    mapping=args.mapping,
                    quarantine=args.quarantine,
                    note=args.note,
                )
            print(result.message)
    return 0


def _load_stores(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.actuals import load_stores
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url

    with connect(resolve_url(settings)) as conn:
        count = load_stores(conn, args.file)
    print(f"{args.file.name}: {count} stores loaded")
    return 0


def _load_holidays(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.actuals import load_holidays
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url

    with connect(resolve_url(settings)) as conn:
        count = load_holidays(conn, args.file)
    print(f"{args.file.name}: {count} holidays and events loaded; calendar flags updated")
    return 0
