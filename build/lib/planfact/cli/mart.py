"""``planfact mart``: refresh the mart's materialized views and run its data tests."""

from __future__ import annotations

import argparse
import sys

from planfact.config import Settings
from planfact.errors import PlanfactError

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``mart refresh|test``."""
    mart = sub.add_parser("mart", help="refresh the export data mart and run its data tests")
    actions = mart.add_subparsers(dest="action", metavar="ACTION", required=True)
    refresh = actions.add_parser("refresh", help="refresh the materialized views (concurrently)")
    refresh.set_defaults(handler=_refresh)
    test = actions.add_parser("test", help="run the data tests; exit 1 when one fails")
    test.add_argument("--refresh", action="store_true", help="refresh the mart first")
    test.add_argument("--quiet", action="store_true", help="print only tests that do not pass")
    test.set_defaults(handler=_test)


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.mart import refresh_mart

    with connect(resolve_url(settings)) as conn:
        timings = refresh_mart(conn)
    width = max(len(v) for v in timings)
    for view, seconds in timings.items():
        print(f"{view:<{width}}  {seconds:8.2f} s")
    print(f"{'total':<{width}}  {sum(timings.values()):8.2f} s")
    return 0


def _test(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.mart import DataTestResult, evaluate_data_tests, refresh_mart

    def show(result: DataTestResult) -> None:
        if args.quiet and result.passed:
            return
        print(f"{result.status.upper():<4}  {result.view}  {result.test}  ({result.seconds:.2f} s)")
        if not result.passed:
            if result.error:
                print(f"      could not run: {result.error}")
            else:
                print(f"      {result.failing_rows} offending row(s); sample:")
                for row in result.sample:
                    print("        " + ", ".join(f"{k}={v}" for k, v in row.items()))
        sys.stdout.flush()

    with connect(resolve_url(settings)) as conn:
        if args.refresh:
            refresh_mart(conn)
        results = evaluate_data_tests(conn, on_result=show)
    failed = [r for r in results if r.status == "fail"]
    warned = [r for r in results if r.status == "warn"]
    print(f"{len(results) - len(failed) - len(warned)} passed, {len(failed)} failed, {len(warned)} warnings")
    if failed:
        names = ", ".join(f"{r.view} {r.test}" for r in failed[:5])
        more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
        raise PlanfactError(f"{len(failed)} mart data test(s) failed: {names}{more}")
    return 0
