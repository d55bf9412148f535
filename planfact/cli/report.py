"""``planfact report month YYYY-MM`` renders the plan-vs-actual report of a closed month;
``planfact report verify`` checks every registered file against its sha256."""

from __future__ import annotations

import argparse
from pathlib import Path

from planfact.calendars import period_argument
from planfact.config import Settings, parse_fraction
from reports.bridge import BRIDGE_LEVELS
from reports.renderer import check_formats

__all__ = ["register"]

_LEVELS = ("store_type", "assortment", "state", "city")


def _fraction(text: str) -> float:
    try:
        return parse_fraction(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _formats(text: str) -> tuple[str, ...]:
    try:
        return check_formats(text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``report month``."""
    report = sub.add_parser("report", help="plan-vs-actual reports for finance (Excel and HTML)")
    actions = report.add_subparsers(dest="action", metavar="ACTION", required=True)
    month = actions.add_parser(
        "month",
        help="render plan_fact_YYYY-MM.xlsx/.html for a closed month and record them",
        description="Compare the month's plan of record with its current actuals (mart views only); "
        "write plan_fact_YYYY-MM.xlsx and .html and record each file in forecast.report.",
    )
    month.add_argument("month", type=period_argument, metavar="YYYY-MM", help="the month, YYYY-MM")
    month.add_argument("--out", type=Path, default=None, help="output folder (default: PLANFACT_REPORT_DIR)")
    month.add_argument(
        "--format",
        type=_formats,
        default="xlsx,html",
        metavar="FORMATS",
        help="comma-separated formats: xlsx,html (default both)",
    )
    month.add_argument(
        "--tolerance",
        type=_fraction,
        default=None,
        help="neutral variance band, fraction or percent (default PLANFACT_VARIANCE_TOLERANCE, 0.02)",
    )
    month.add_argument(
        "--drill-level",
        choices=_LEVELS,
        default=None,
        help="store attribute for the store drill-down and the per-member daily charts "
        "(default: the first with 2+ members)",
    )
    month.add_argument(
        "--bridge-level",
        choices=BRIDGE_LEVELS,
        default=None,
        help="level of the variance bridge plan → actual and of the narrative's contributors "
        "(default PLANFACT_REPORT_BRIDGE_LEVEL, else product group, else the first store attribute)",
    )
    month.add_argument(
        "--currency",
        default=None,
        metavar="LABEL",
        help="currency label of the amounts, e.g. EUR "
        "(default PLANFACT_REPORT_CURRENCY; empty: source units)",
    )
    scale = month.add_mutually_exclusive_group()
    scale.add_argument(
        "--thousands",
        dest="scale",
        action="store_const",
        const="thousands",
        default=None,
        help="show amounts in thousands (cells keep full precision; default PLANFACT_REPORT_SCALE)",
    )
    scale.add_argument(
        "--units", dest="scale", action="store_const", const="units", help="show amounts in units"
    )
    month.add_argument(
        "--allow-partial",
        action="store_true",
        help="render even when some days of the month have no actuals yet: the figures compare "
        "the days with actuals and the rest of the plan is shown as still to come",
    )
    month.add_argument(
        "--refresh-mart", action="store_true",
        help="refresh the materialized mart views first (done anyway when they are behind the data)"
    )
    month.set_defaults(handler=_month)
    verify = actions.add_parser(
        "verify",
        help="recompute the sha256 of every registered report file; exit 1 if one changed or is missing",
        description="Check every file of forecast.report against its recorded sha256 (registered files "
        "never change: a re-render writes a new file).",
    )
    verify.add_argument(
        "--month", type=period_argument, default=None, metavar="YYYY-MM",
        help="only the reports of this month"
    )
    verify.set_defaults(handler=_verify)


def _month(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.reporting.month import render_month_report

    paths = render_month_report(
        settings,
        args.month,
        out_dir=args.out,
        formats=args.format,
        tolerance=args.tolerance,
        drill_level=args.drill_level,
        allow_partial=args.allow_partial,
        refresh_mart=args.refresh_mart,
        bridge_level=args.bridge_level,
        currency=args.currency,
        scale=args.scale,
    )
    for path in paths:
        print(path)
    return 0


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.reporting.registry import verify_reports

    with connect(resolve_url(settings)) as conn:
        checks = verify_reports(conn, args.month)
    for check in checks:
        print(f"{check.state:8} report {check.report_id}  {check.month:%Y-%m} {check.fmt:4}  {check.path}")
    bad = [c for c in checks if c.state != "ok"]
    changed, missing = (sum(c.state == state for c in bad) for state in ("changed", "missing"))
    ok = len(checks) - len(bad)
    print(f"{len(checks)} registered file(s): {ok} ok, {changed} changed, {missing} missing")
    return 1 if bad else 0
