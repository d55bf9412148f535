"""``planfact load``: actuals, planned flags, stores and holidays into the database."""

from __future__ import annotations

import argparse
from pathlib import Path

from planfact.config import Settings
from planfact.periods import day_argument

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``load actuals|plan|stores|holidays``."""
    load = sub.add_parser(
        "load", help="load actuals, planned flags, stores or holidays (one version per load)"
    )
    kinds = load.add_subparsers(dest="kind", metavar="KIND", required=True)
    for name, text in (
        ("actuals", "daily sales files (CSV or CSV.gz); the files of one command are one new data version"),
        ("plan", "known future flags (promo, open, holidays) without sales, versioned like actuals"),
    ):
        parser = kinds.add_parser(
            name,
            help=text,
            description=text + ". Exit codes: 0 done (also when nothing changed), 1 a file was refused "
            "(one line FILE: line L, column C: reason), 2 usage.",
        )
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
            help="load the good rows and keep the bad ones in core.rejected_row (default: refuse the file); "
            "a file without a good row still fails, its rejects kept",
        )
        parser.add_argument(
            "--new-stores",
            "--new-series",
            dest="new_series",
            action="store_true",
            help="accept stores and product groups that are not in the reference data (created bare); "
            "by default a file naming one is refused with the list",
        )
        parser.add_argument(
            "--each",
            action="store_true",
            help="load file by file, one version each, stopping at the first refused file "
            "(default: all files or nothing, one version for the set)",
        )
        parser.add_argument("--note", help="free text stored with the version")
        if name == "actuals":
            parser.add_argument(
                "--today",
                type=day_argument,
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
    from planfact.errors import PlanfactError

    options = {
        "layout": args.layout,
        "mapping": args.mapping,
        "quarantine": args.quarantine,
        "new_series": args.new_series,
        "note": args.note,
    }
    if args.kind == "actuals":
        options["today"] = args.today

    def load(files: list[Path]) -> str:
        loader = load_actuals if args.kind == "actuals" else load_plan
        return loader(conn, files, **options).message  # type: ignore[arg-type]

    with connect(resolve_url(settings)) as conn:
        if not args.each:
            print(load(args.files))
            return 0
        for done, path in enumerate(args.files):
            try:
                print(load([path]), flush=True)
            except PlanfactError as exc:
                later = len(args.files) - done - 1
                if done or later:
                    exc.args = (f"{exc} [--each: {done} earlier file(s) loaded as printed, {later} later "
                                "file(s) not attempted]",)
                raise
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
