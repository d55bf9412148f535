"""``planfact data``: the data versions and helpers around the source files.

Subcommands are registered from ``SUBCOMMANDS`` (name -> adder), so another part adds one
(e.g. ``generate``) with one entry.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from planfact.config import Settings
from planfact.periods import day_argument

__all__ = ["register", "SUBCOMMANDS"]


def _add_versions(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("versions", help="print the data versions table")
    parser.set_defaults(handler=_versions)


def _add_verify(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "verify", help="recompute a version's month checksums from the facts (default: the latest)"
    )
    parser.add_argument("version", nargs="?", type=_version_number)
    parser.set_defaults(handler=_verify)


def _version_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a data version number, got {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"data versions are numbered from 1, got {number}")
    return number


def _add_split_months(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "split-months", help="cut a history file into one actuals and one plan file per month (gzip)"
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--mapping", type=Path, help="TOML mapping for a generic layout")
    parser.set_defaults(handler=_split_months)


SIZE_HELP = "tiny (9 series; messy: 18), small (300, the default) or large (3,300)"


def _add_generate(actions: argparse._SubParsersAction) -> None:
    generate = actions.add_parser(
        "generate",
        help="write deterministic demo data: Favorita-like, or the messy retail profile",
        description=(
            "Profile favorita (the default): stores.csv.gz, holidays_events.csv.gz and train.csv.gz in the "
            "Kaggle Favorita layouts; with --by-month also one actuals_YYYY-MM.csv.gz and "
            "plan_YYYY-MM.csv.gz per month, the files a landing folder receives. Profile messy: a store x "
            "department feed (messy_sales.csv.gz) with returns, TRUE/FALSE flags, series born and stopped "
            "during the history, sparse, intermittent and tiny series, and the mapping that loads it "
            "(messy_mapping.toml). The same seed gives byte-identical files."
        ),
    )
    generate.add_argument("--profile", default="favorita", choices=("favorita", "messy"),
                          help="favorita (default) or messy (messy retail)")
    generate.add_argument("--size", default="small", choices=("tiny", "small", "large"), help=SIZE_HELP)
    generate.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    generate.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    generate.add_argument("--start", type=day_argument, default="2013-01-01", metavar="YYYY-MM-DD",
                          help="first day (default 2013-01-01)")
    generate.add_argument("--end", type=day_argument, default="2015-12-31", metavar="YYYY-MM-DD",
                          help="last day (default 2015-12-31)")
    generate.add_argument(
        "--by-month", action="store_true", help="also write one actuals (and plan) file per month"
    )
    generate.set_defaults(handler=_generate)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_versions,
    _add_verify,
    _add_split_months,
    _add_generate,
]
# Subcommands that work on files only: they need no database schema.
NO_SCHEMA = ("split-months", "generate")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``data`` with every subcommand of ``SUBCOMMANDS``."""
    data = sub.add_parser("data", help="data versions and source-file helpers")
    actions = data.add_subparsers(dest="action", metavar="ACTION", required=True)
    for add in SUBCOMMANDS:
        add(actions)
    for name in NO_SCHEMA:
        actions.choices[name].set_defaults(needs_schema=False)


def _versions(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.versions import list_versions

    with connect(resolve_url(settings)) as conn:
        frame = list_versions(conn)
    if frame.empty:
        print("no data versions yet (planfact load actuals FILE)")
        return 0
    # to the second, with its zone: a raw microsecond timestamp is noise for a reader
    loaded = [f"{t:%Y-%m-%d %H:%M:%S %Z}".rstrip() for t in frame["loaded_at"]]
    shown = frame.drop(columns=["source_name"]).assign(loaded_at=loaded, source=frame["source_name"])
    print(shown.to_string(index=False))
    return 0


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.errors import PlanfactError
    from planfact.versions import latest_version, verify_version

    with connect(resolve_url(settings)) as conn:
        version = args.version if args.version is not None else latest_version(conn)
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


def _written(paths: list[Path]) -> list[str]:
    """The files written, one line each, but a family of monthly files (actuals_YYYY-MM...) as
    one line with its count and months: a by-month folder is dozens of files."""
    import re

    groups: dict[Path | tuple[Path, str, str], list[str]] = {}
    for path in paths:
        match = re.fullmatch(r"(.+)_(\d{4}-\d{2})(\..+)", path.name)
        key = (path.parent, match.group(1), match.group(3)) if match else path
        groups.setdefault(key, []).append(match.group(2) if match else "")
    lines = []
    for key, months in groups.items():
        if isinstance(key, Path):
            lines.append(str(key))
            continue
        folder, stem, suffix = key
        count = f"{len(months)} month{'s' if len(months) != 1 else ''}"
        lines.append(f"{folder / f'{stem}_YYYY-MM{suffix}'}: {count}, {min(months)}..{max(months)}")
    return lines


def _split_months(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.actuals import split_months
    from planfact.folders import output_folder

    paths = split_months(args.file, output_folder(args.out), mapping=args.mapping)
    months = len(paths) // 2
    print(
        f"{args.file.name}: {months} months written to {args.out} (actuals_YYYY-MM and plan_YYYY-MM .csv.gz)"
    )
    return 0


def _generate(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.demo.synthetic import generate, generate_messy, write_messy
    from planfact.demo.synthetic.files import NAMES, write_full, write_month_files, write_reference_files
    from planfact.errors import UsageError
    from planfact.folders import output_folder
    from planfact.temporaries import sweep_temporaries

    output_folder(args.out)
    sweep_temporaries(args.out, NAMES)  # (files a killed generate left half-written)
    try:
        if args.profile == "messy":
            messy = generate_messy(args.size, seed=args.seed, start=args.start, end=args.end)
            data = messy.base
            written = write_messy(messy, args.out, by_month=args.by_month)
            series, rows = messy.sales.groupby(["store", "department"]).ngroups, len(messy.sales)
        else:
            data = generate(args.size, seed=args.seed, start=args.start, end=args.end)
            written = list(write_reference_files(data, args.out).values())
            written.append(write_full(data, args.out))
            if args.by_month:
                for month in data.months():
                    files = write_month_files(data, args.out, month)
                    written += [files.actuals] + ([files.plan] if files.plan else [])
            series, rows = data.series_count, len(data.sales)
    except ValueError as exc:
        raise UsageError(f"data generate: {exc}") from None
    print(
        f"generated {args.profile} {args.size}: {len(data.stores)} stores, {series} series, "
        f"{rows:,} daily rows {data.start}..{data.end} (seed {args.seed})"
    )
    for line in _written(written):
        print(f"  {line}")
    if args.profile == "messy":
        print(f"load it: planfact load stores {args.out / 'stores.csv.gz'} && planfact load actuals "
              f"{args.out / 'messy_sales.csv.gz'} --mapping {args.out / 'messy_mapping.toml'} --new-stores")
    return 0
