"""``planfact demo``: replay months of data through the monthly job on the embedded database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planfact.config import Settings

__all__ = ["register", "add_generate"]

SIZE_HELP = "tiny (9 series), small (300, the default) or large (3,300)"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``demo``."""
    demo = sub.add_parser(
        "demo",
        help="run the monthly job end to end on demo data (embedded database, nothing to set up)",
        description=(
            "Generate Favorita-like demo data (or cut a real Kaggle history into months), then replay "
            "month after month what the Airflow DAG runs: land the actuals, refresh and test the mart, "
            "report the closed month, forecast and plan the next one; one month is restated along the "
            "way. Re-running resumes where the database stands; --reset starts over."
        ),
    )
    demo.add_argument("--months", type=int, default=6, help="months to replay after the history (default 6)")
    demo.add_argument("--size", default="small", choices=("tiny", "small", "large"), help=SIZE_HELP)
    demo.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="replay a real history instead: a folder with train*.csv[.gz] (and store*, holiday* files), "
        "e.g. ../shared/data/rossmann",
    )
    demo.add_argument(
        "--reset",
        action="store_true",
        help="drop and recreate the demo database first (only one the demo made)",
    )
    demo.add_argument("--quiet", action="store_true", help="print only the final table")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.demo import run_demo

    def echo(text: str) -> None:
        print(text, flush=True)

    summary = run_demo(
        settings,
        months=args.months,
        size=args.size,
        data_dir=args.data,
        reset=args.reset,
        progress=not args.quiet,
        echo=echo,
    )
    print(summary.render())
    sys.stdout.flush()
    return 0


def add_generate(actions: argparse._SubParsersAction) -> None:
    """Add ``generate`` under ``planfact data`` (called by the data command module)."""
    generate = actions.add_parser(
        "generate",
        help="write deterministic Favorita-like demo data (stores, holidays, daily sales)",
        description=(
            "Write stores.csv.gz, holidays_events.csv.gz and train.csv.gz in the Kaggle Favorita layouts; "
            "with --by-month also one actuals_YYYY-MM.csv.gz and plan_YYYY-MM.csv.gz per month, the "
            "files a landing folder receives. The same seed gives byte-identical files."
        ),
    )
    generate.add_argument("--size", default="small", choices=("tiny", "small", "large"), help=SIZE_HELP)
    generate.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    generate.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    generate.add_argument("--start", default="2013-01-01", help="first day (default 2013-01-01)")
    generate.add_argument("--end", default="2015-12-31", help="last day (default 2015-12-31)")
    generate.add_argument(
        "--by-month", action="store_true", help="also write one actuals and one plan file per month"
    )
    generate.set_defaults(handler=_generate)


def _generate(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.demo.synthetic import generate
    from planfact.demo.synthetic.files import write_full, write_month_files, write_reference_files
    from planfact.errors import UsageError

    try:
        data = generate(args.size, seed=args.seed, start=args.start, end=args.end)
    except ValueError as exc:
        raise UsageError(f"data generate: {exc}") from None
    written = list(write_reference_files(data, args.out).values())
    written.append(write_full(data, args.out))
    if args.by_month:
        for month in data.months():
            files = write_month_files(data, args.out, month)
            written += [files.actuals] + ([files.plan] if files.plan else [])
    print(
        f"generated {data.size}: {len(data.stores)} stores, {data.series_count} series, "
        f"{len(data.sales):,} daily rows {data.start}..{data.end} (seed {data.seed})"
    )
    for path in written:
        print(f"  {path}")
    return 0
