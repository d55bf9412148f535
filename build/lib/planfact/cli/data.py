"""``planfact data``: the data versions and helpers around the source files.

Subcommands are registered from ``SUBCOMMANDS`` (name -> adder), so another part adds one
(e.g. ``generate``) with one entry.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from planfact.cli.demo import add_generate
from planfact.config import Settings

__all__ = ["register", "SUBCOMMANDS"]


def _add_versions(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("versions", help="print the data versions table")
    parser.set_defaults(handler=_versions)


def _add_verify(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "verify", help="recompute a version's month checksums from the facts (default: the latest)"
    )
    parser.add_argument("version", nargs="?", type=int)
    parser.set_defaults(handler=_verify)


def _add_split_months(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "split-months", help="cut a history file into one actuals and one plan file per month (gzip)"
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--mapping", type=Path, help="TOML mapping for a generic layout")
    parser.set_defaults(handler=_split_months)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_versions,
    _add_verify,
    _add_split_months,
    add_generate,
]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``data`` with every subcommand of ``SUBCOMMANDS``."""
    data = sub.add_parser("data", help="data versions and source-file helpers")
    actions = data.add_subparsers(dest="action", metavar="ACTION", required=True)
    for add in SUBCOMMANDS:
        add(actions)


def _versions(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.versions import list_versions

    with connect(resolve_url(settings)) as conn:
        frame = list_versions(conn)
    if frame.empty:
        print("no data versions yet (planfact load actuals FILE)")
        return 0
    print(frame.drop(columns=["source_name"]).assign(source=frame["source_name"]).to_string(index=False))
    return 0


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.errors import PlanfactError
    from planfact.versions import latest_version, verify_version

    with connect(resolve_url(settings)) as conn:
        version = args.version or latest_version(conn)
        if version is None:
            raise PlanfactError("no data versions yet: nothing to verify")
        checks = verify_version(conn, version)
    bad = [c for c in checks if not c.ok]
    if bad:
        first = bad[0]
        raise PlanfactError(
            f"version {version}: {len(bad)} of {len(checks)} months differ from their stored checksum, "
            f"first {first.month:%Y-%m} (stored {first.stored_rows} rows {first.stored_checksum}, "
            f"now {first.actual_rows} rows {first.actual_checksum})"
        )
    print(f"version {version}: all {len(checks)} month checksums match")
    return 0


def _split_months(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.actuals import split_months

    paths = split_months(args.file, args.out, mapping=args.mapping)
    months = len(paths) // 2
    print(
        f"{args.file.name}: {months} months written to {args.out} (actuals_YYYY-MM and plan_YYYY-MM .csv.gz)"
    )
    return 0
