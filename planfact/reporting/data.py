"""Read one month's report content from the mart views into a ReportData.

Reads only ``mart.*`` views (plan_fact_monthly, plan_fact_daily, forecast_accuracy,
run_registry, series_dim, series_level, member_label, plan_fact_series_day), all in one read-only
repeatable-read snapshot, so the figures of one report always belong together. A month without
a plan of record, without actuals, or whose materialized views are older than the live data is
refused with a message that names what is missing (``render_month_report`` refreshes a mart that
is behind first, ``planfact.reporting.freshness``: this refusal remains for a load that lands
between that refresh and the read).

Every member gets its label from ``mart.member_label``. Completeness is judged per series-day
(``planfact.reporting.completeness``: a store reports a day or it does not): a month with
unreported series-days is refused unless ``allow_partial``; a partial report compares like
with like: the plan of the unreported series-days is taken out of every figure (each member,
each day, the month, year to date, the accuracy trend) and reported as ``plan_to_come``.
WAPE and bias divide by the gross actual (sum of |series-day actual|) the mart computes
(``mart.plan_fact_monthly.gross_actual``); the report keeps it as returns (the negative
series-day actuals, half the gross actual's excess over the actual) to show them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from forecasting.calendar import Calendar, MonthCalendar
from planfact import __version__
from planfact.calendars import period_header
from planfact.config import Settings
from planfact.db.queries import execute
from planfact.errors import PlanfactError, UsageError
from planfact.reporting.completeness import Completeness, read_completeness, refusal
from planfact.reporting.trend import TREND_MONTHS, read_month_totals
from reports.bridge import BRIDGE_LEVELS
from reports.discontinued import Discontinued, DiscontinuedSeries
from reports.model import (
    LEVEL_LABELS,
    LEVEL_ORDER,
    STORE_LEVELS,
    DailyPoint,
    Figures,
    Lineage,
    MemberRow,
    Miss,
    ReportData,
    Summary,
    Units,
)
from reports.period import FiscalPeriod

__all__ = [
    "load_report_data",
    "report_units",
    "SOURCE_VIEWS",
    "TOP_MISSES",
    "TREND_MONTHS",
    "MAX_CHART_MEMBERS",
]

log = logging.getLogger(__name__)

SOURCE_VIEWS = (
    "mart.plan_fact_monthly",
    "mart.plan_fact_daily",
    "mart.forecast_accuracy",
    "mart.run_registry",
    "mart.series_dim",
    "mart.series_level",
    "mart.member_label",
    "forecast.run_excluded_series",
)
TOP_MISSES = 15
MAX_CHART_MEMBERS = 12


def report_units(settings: Settings, *, currency: str | None = None, scale: str | None = None) -> Units:
    """The report's units: the arguments where given, else the settings."""
    chosen = (scale or settings.report_scale).strip().lower()
    if chosen not in ("units", "thousands"):
        raise UsageError(f"bad scale {scale!r}: choose units or thousands")
    return Units(settings.report_currency if currency is None else currency.strip(), chosen == "thousands")


def _rows(conn: psycopg.Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cur = execute(conn, name, params)
    columns = [c.name for c in cur.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _figures(row: dict[str, Any], *, to_come: float = 0.0, returns: float = 0.0) -> Figures:
    """A row's figures; ``to_come`` (plan of unreported series-days) is taken out of the plan.

    A member without any actual row whose store reported the days of its plan sold nothing
    (a sparse feed sends no row for a day without sales): its actual is 0, not unknown.
    """
    plan = float(row["plan"] or 0.0) - to_come
    actual = _float(row["actual"])
    return Figures(
        plan=plan,
        actual=0.0 if actual is None and plan != 0 else actual,
        abs_error=_float(row["abs_error"]),
        coverage_80=_float(row["coverage_80"]),
        coverage_95=_float(row["coverage_95"]),
        days=row.get("actual_days") if to_come else row.get("days"),
        returns=returns,
    )


def load_report_data(
    conn: psycopg.Connection,
    month: date,
    *,
    tolerance: float,
    drill_level: str | None = None,
    allow_partial: bool = False,
    generated_at: datetime | None = None,
    bridge_level: str | None = None,
    units: Units | None = None,
    calendar: Calendar | None = None,
) -> ReportData:
    """The report of ``month`` (first day of a period of ``calendar``, calendar months by
    default) from the mart, in one read-only snapshot."""
    if bridge_level is not None and bridge_level not in BRIDGE_LEVELS:
        raise UsageError(f"bad bridge level {bridge_level!r}: choose one of {', '.join(BRIDGE_LEVELS)}")
    # A snapshot can only be chosen by the first statement; inside a caller's transaction we read in it.
    fresh = conn.info.transaction_status == TransactionStatus.IDLE
    with conn.transaction():
        if fresh:
            execute(conn, "reports/snapshot")
        data = _load(conn, month, tolerance, drill_level, allow_partial, generated_at, calendar)
    if calendar is not None and not isinstance(calendar, MonthCalendar):
        period = calendar.period_of(month)
        before = calendar.shift(period, -1)
        data.period = FiscalPeriod(period_header(calendar, period), f"P{period.number} FY{period.year}",
                                   f"P{before.number} FY{before.year}", before.start)
    data.units = units or Units()
    data.bridge_level = _bridge_level(data, bridge_level)
    return data


def _load(
    conn: psycopg.Connection,
    month: date,
    tolerance: float,
    drill_level: str | None,
    allow_partial: bool,
    generated_at: datetime | None,
    calendar: Calendar | None = None,
) -> ReportData:
    label = f"{month:%Y-%m}"
    params = {"month": month}
    plan_runs = _rows(conn, "reports/plan_run", params)
    if not plan_runs:
        raise PlanfactError(
            f"no plan of record for {label}: no succeeded production run is assigned to that month "
            f"(see `planfact runs list`; a run becomes the plan when it is made before the month)"
        )
    plan = plan_runs[0]
    monthly = _rows(conn, "reports/monthly", params)
    total_rows = [r for r in monthly if r["level"] == "total"]
    no_actuals = (
        f"no actuals for {label} are loaded yet (its plan of record is run {plan['run_id']}): "
        "load them with `planfact load actuals`"
    )
    if not total_rows:
        if not _rows(conn, "reports/live_actuals", params)[0]["found"]:
            raise PlanfactError(no_actuals)
        raise PlanfactError(
            f"the mart has no plan-vs-actual rows for {label} although run {plan['run_id']} is its plan of "
            "record: refresh the mart (`planfact mart refresh`, or pass --refresh-mart) and retry"
        )
    total = total_rows[0]
    _check_fresh(conn, month, plan, total)
    if total["actual"] is None or not total["actual_days"]:
        raise PlanfactError(no_actuals)
    labels = {(r["level"], r["member"]): r["label"] for r in _rows(conn, "reports/member_labels", {})}
    found = read_completeness(conn, month, labels)
    daily_total = _daily(conn, month, "total", ["all"], found)["all"]
    missing = [p.day for p in daily_total if p.actual is None]
    if not found.complete and not allow_partial:
        raise PlanfactError(refusal(label, found, missing, len(daily_total)))
    to_come = found.to_come
    by_level: dict[str, list[MemberRow]] = defaultdict(list)
    for row in monthly:
        key = (row["level"], row["member"])
        figures = _figures(row, to_come=to_come.get(key, 0.0), returns=float(row["returns"]))
        by_level[row["level"]].append(
            MemberRow(row["level"], row["member"], figures, label=labels.get(key, row["member"]))
        )
    levels = _breakdown_levels(by_level)
    drill_level = _drill_level(levels, drill_level)
    drill: dict[str, list[MemberRow]] = {}
    if drill_level and "store" in levels:
        parent_of = {r["store_id"]: r[drill_level] for r in _rows(conn, "reports/store_members", {})}
        stores = [
            MemberRow("store", s.member, s.figures, parent_of.get(s.member, "unknown"), s.label)
            for s in levels["store"]
        ]
        levels["store"] = stores
        for member in levels[drill_level]:
            drill[member.member] = [s for s in stores if s.parent == member.member]
    chart_level = drill_level or next((lv for lv in ("group", "store") if lv in levels), None)
    daily_by_member: dict[str, list[DailyPoint]] = {}
    if chart_level:
        members = [r.member for r in levels[chart_level][:MAX_CHART_MEMBERS]]
        points = _daily(conn, month, chart_level, members, found)
        daily_by_member = {m: points[m] for m in members if m in points}

    misses: dict[str, list[Miss]] = {"absolute": [], "relative": []}
    miss_level = "store" if "store" in by_level else "series"
    for row in _rows(conn, "reports/misses", {**params, "level": miss_level, "top": TOP_MISSES}):
        misses[row["ranking"]].append(
            Miss(
                miss_level,
                row["member"],
                row["day"],
                float(row["plan"]),
                float(row["actual"]),
                _float(row["promo_share"]),
                _float(row["closed_share"]),
                bool(row["holiday"]),
                labels.get((miss_level, row["member"]), row["member"]),
            )
        )
    totals = read_month_totals(conn, month, calendar)
    lineage = Lineage(
        plan_run_id=int(plan["run_id"]),
        plan_kind=plan["kind"],
        plan_made_at=plan["finished_at"] or plan["started_at"],
        plan_data_version=plan["data_version"],
        actuals_data_version=int(total["data_version"]),
        model_version=_model_text(plan),
        code_version=plan["code_version"],
        generated_at=generated_at or datetime.now(UTC),
        generator=f"planfact {__version__}",
        source_views=SOURCE_VIEWS,
    )
    return ReportData(
        month=month,
        tolerance=tolerance,
        lineage=lineage,
        summary=Summary(
            month=by_level["total"][0].figures,
            previous=totals.previous,
            year_to_date=totals.year_to_date,
        ),
        levels=levels,
        daily_total=daily_total,
        chart_level=chart_level,
        daily_by_member=daily_by_member,
        drill_level=drill_level,
        drill=drill,
        misses_absolute=misses["absolute"],
        misses_relative=misses["relative"],
        accuracy_trend=totals.points,
        missing_days=missing,
        plan_to_come=to_come.get(("total", "all"), 0.0),
        unreported=found.stores,
        store_days=found.store_days,
        labels=labels,
        discontinued=_discontinued(conn, month),
    )


def _discontinued(conn: psycopg.Connection, month: date) -> Discontinued:
    """The series the plan of record of ``month`` left out as discontinued."""
    rows = _rows(conn, "reports/discontinued", {"month": month})
    series = tuple(DiscontinuedSeries(r["member"], r["label"], r["last_actual_date"], _float(r["actual"]))
                   for r in rows)
    return Discontinued(rows[0]["days"] if rows else None, series)


def _bridge_level(data: ReportData, wanted: str | None) -> str | None:
    """The chosen bridge level, else product group, else the first store level with 2+ members."""
    if wanted is not None:
        if wanted not in data.levels:
            raise UsageError(
                f"bridge level {wanted!r} ({LEVEL_LABELS[wanted].lower()}) has fewer than two members "
                f"this month; choose one of {', '.join(lv for lv in BRIDGE_LEVELS if lv in data.levels)}"
            )
        return wanted
    return next((lv for lv in ("group", *STORE_LEVELS, "store") if lv in data.levels), None)


def _check_fresh(conn: psycopg.Connection, month: date, plan: dict[str, Any], total: dict[str, Any]) -> None:
    """Refuse a materialized mart built before the current plan assignment or data load."""
    label = f"{month:%Y-%m}"
    if int(total["run_id"]) != int(plan["run_id"]):
        raise PlanfactError(
            f"the mart is stale for {label}: its plan-vs-actual rows use run {total['run_id']} but the "
            f"plan of record is now run {plan['run_id']}; "
            "run `planfact mart refresh` (or pass --refresh-mart)"
        )
    live = _rows(conn, "reports/live_data_version", {"month": month})
    if (
        live
        and live[0]["data_version"] is not None
        and int(live[0]["data_version"]) != int(total["data_version"])
    ):
        raise PlanfactError(
            f"the mart is stale for {label}: built from data version {total['data_version']} but the "
            f"actuals are at data version {live[0]['data_version']}; "
            "run `planfact mart refresh` (or pass --refresh-mart)"
        )


def _daily(
    conn: psycopg.Connection, month: date, level: str, members: list[str], completeness: Completeness
) -> dict[str, list[DailyPoint]]:
    """Daily points of ``members``, each with the plan of its unreported series-days that day."""
    to_come = completeness.to_come_daily
    found: dict[str, list[DailyPoint]] = defaultdict(list)
    for r in _rows(conn, "reports/daily", {"month": month, "level": level, "members": members}):
        found[r["member"]].append(
            DailyPoint(
                day=r["day"],
                plan=float(r["plan"] or 0.0),
                actual=_float(r["actual"]),
                lo_80=_float(r["lo_80"]),
                hi_80=_float(r["hi_80"]),
                lo_95=_float(r["lo_95"]),
                hi_95=_float(r["hi_95"]),
                promo_share=_float(r["promo_share"]),
                closed_share=_float(r["closed_share"]),
                holiday=bool(r["holiday"]),
                plan_to_come=to_come.get((level, r["member"], r["day"]), 0.0),
            )
        )
    return found


def _breakdown_levels(by_level: dict[str, list[MemberRow]]) -> dict[str, list[MemberRow]]:
    """Levels worth a breakdown: more than one member, and series only when it differs from store."""
    levels: dict[str, list[MemberRow]] = {}
    for level in LEVEL_ORDER:
        rows = by_level.get(level, [])
        if level == "total" or len(rows) < 2:
            continue
        if level == "series" and len(rows) == len(by_level.get("store", [])):
            continue  # one product group: a series is a store
        levels[level] = rows
    return levels


def _drill_level(levels: dict[str, list[MemberRow]], wanted: str | None) -> str | None:
    if wanted is not None:
        if wanted not in STORE_LEVELS:
            raise UsageError(f"bad drill level {wanted!r}: choose one of {', '.join(STORE_LEVELS)}")
        if wanted not in levels:
            raise UsageError(f"drill level {wanted!r} has fewer than two members this month")
        return wanted
    return next((level for level in STORE_LEVELS if level in levels), None)


def _model_text(plan: dict[str, Any]) -> str | None:
    parts = [p for p in (plan.get("model_version"), plan.get("chosen_models")) if p]
    if len(parts) == 2:
        return f"{parts[0]} (selected models: {parts[1]})"
    return parts[0] if parts else None
