"""``planfact demo``: replay months of data through the monthly job on the embedded database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planfact.config import Settings

__all__ = ["register"]

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
