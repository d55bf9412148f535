"""The self-contained HTML report: jinja2 templates (autoescaped), inline CSS and SVG charts.

All numbers are computed and formatted here; templates only lay out the cells this module
hands them (text, sort key, colour class), so the HTML and Excel reports cannot disagree.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reports.about import about_facts, definitions
from reports.bridge import Bridge, axis_floor, build_bridge
from reports.cells import Cell, figure_cells, key, member_cells, money, percent
from reports.charts import Line, line_chart, waterfall_chart
from reports.definitions import FIGURE_HEADERS
from reports.model import (
    LEVEL_LABELS,
    DailyPoint,
    Figures,
    Miss,
    ReportData,
    band,
)
from reports.narrative import narrative
from reports.period import month_name, previous_label
from reports.unreported import DAILY_PARTIAL

__all__ = ["render_html", "write_html", "Cell", "money", "percent"]

PLAN_COLOUR, ACTUAL_COLOUR, OTHER_COLOUR = "#7f7f7f", "#1f4e79", "#c55a11"
MAX_LEVEL_CHARTS = 12


def _summary_rows(data: ReportData) -> list[dict]:
    month, prev, ytd = data.summary.month, data.summary.previous, data.summary.year_to_date
    tol = data.tolerance
    scale = data.units.scale

    def row(name: str, attr: str, kind: str, *, in_ytd: bool = True, coloured: bool = False) -> dict:
        now = getattr(month, attr)
        before = getattr(prev, attr) if prev else None
        fmt = {
            "money": lambda v: money(v, cents=True, scale=scale),
            "signed": lambda v: money(v, signed=True, cents=True, scale=scale),
            "pct": percent,
            "spct": lambda v: percent(v, signed=True),
        }[kind]
        if now is None or before is None:
            change = "–"
        elif kind in ("money", "signed"):
            change = money(now - before, signed=True, cents=True, scale=scale)
        else:
            points = (now - before) * 100
            change = ("+" if points > 0.05 else "\u2212" if points < -0.05 else "") + f"{abs(points):.1f} pp"
        css = "num " + band(month.variance_pct, tol) if coloured else "num"
        ytd_css = "num " + band(ytd.variance_pct, tol) if coloured else "num"
        return {
            "name": name,
            "cells": [
                Cell(fmt(now), css=css),
                Cell(fmt(before), css="num"),
                Cell(change, css="num"),
                Cell(fmt(getattr(ytd, attr)) if in_ytd else "–", css=ytd_css),
            ],
        }

    with_returns = month.returns or (prev and prev.returns)
    returns = [row("Returns", "returns", "money", in_ytd=False)] if with_returns else []
    return [
        row("Plan", "plan", "money"),
        row("Actual", "actual", "money"),
        *returns,
        row("Variance", "variance", "signed", coloured=True),
        row("Variance %", "variance_pct", "spct", coloured=True),
        row("Absolute error", "abs_error", "money", in_ytd=False),
        row("WAPE", "wape", "pct", in_ytd=False),
        row("Bias", "bias", "spct", in_ytd=False),
        row("Inside 80%", "coverage_80", "pct", in_ytd=False),
        row("Inside 95%", "coverage_95", "pct", in_ytd=False),
    ]


def _daily_chart(
    points: list[DailyPoint], title: str, *, width: int = 880, height: int = 280, with_band: bool = True
) -> Markup:
    labels = [f"{p.day.day}" for p in points]
    return line_chart(
        labels,
        [
            Line("Plan", [p.plan_shown for p in points], PLAN_COLOUR, "6 4"),
            Line("Actual", [p.actual for p in points], ACTUAL_COLOUR, None, 2.5),
        ],
        title=title,
        band=([p.lo_80 for p in points], [p.hi_80 for p in points]) if with_band else None,
        shade=[p.holiday or p.day.isoweekday() == 7 for p in points],
        width=width,
        height=height,
        label_every=1 if width >= 700 else 3,
    )


def _daily_rows(points: list[DailyPoint], tolerance: float, scale: int) -> list[list[Cell]]:
    """The daily table under the total chart (the same rows as the Excel Daily sheet)."""
    rows = []
    for p in points:
        colour = "num " + band(p.variance_pct, tolerance)
        rows.append(
            [
                Cell(f"{p.day:%a %d %b}", p.day.isoformat()),
                Cell("holiday" if p.holiday else "", "1" if p.holiday else "0"),
                Cell(percent(p.promo_share), key(p.promo_share), "num"),
                Cell(percent(p.closed_share), key(p.closed_share), "num"),
                Cell(money(p.plan_shown, scale=scale), key(p.plan_shown), "num"),
                Cell(money(p.actual, scale=scale), key(p.actual), "num"),
                Cell(money(p.variance, signed=True, scale=scale), key(p.variance), colour),
                Cell(percent(p.variance_pct, signed=True), key(p.variance_pct), colour),
                Cell(money(p.lo_80, scale=scale), key(p.lo_80), "num"),
                Cell(money(p.hi_80, scale=scale), key(p.hi_80), "num"),
            ]
        )
    return rows


def _miss_rows(misses: list[Miss], tolerance: float, scale: int) -> list[list[Cell]]:
    rows = []
    for rank, miss in enumerate(misses, start=1):
        colour = "num " + band(miss.variance_pct, tolerance)
        rows.append(
            [
                Cell(str(rank), str(rank), "num"),
                Cell(miss.name, miss.name, "label"),
                Cell(miss.member, miss.member, "id"),
                Cell(f"{miss.day:%a %d %b}", miss.day.isoformat()),
                Cell(money(miss.plan, scale=scale), key(miss.plan), "num"),
                Cell(money(miss.actual, scale=scale), key(miss.actual), "num"),
                Cell(money(miss.variance, signed=True, scale=scale), key(miss.variance), colour),
                Cell(percent(miss.variance_pct, signed=True), key(miss.variance_pct), colour),
                Cell(", ".join(miss.flags), ", ".join(miss.flags), "flags"),
            ]
        )
    return rows


def _bridge(data: ReportData) -> dict | None:
    """The bridge's chart and table (the same steps as the Excel Bridge sheet)."""
    if not data.bridge_level or data.bridge_level not in data.levels:
        return None
    bridge: Bridge = build_bridge(data.levels[data.bridge_level], data.bridge_level)
    scale, tol = data.units.scale, data.tolerance
    running = bridge.running()
    steps = [("Plan", 0.0, bridge.plan, "total")]
    steps += [
        (s.label, a, b, "up" if b >= a else "down")
        for s, (a, b) in zip(bridge.steps, running, strict=True)
    ]
    steps.append(("Actual", 0.0, bridge.actual, "total"))

    def value(v: float, signed: bool) -> str:
        return money(v, signed=signed, scale=scale)

    id_header = data.id_header(bridge.level)
    rows = []
    for step in bridge.steps:
        share = step.variance / bridge.variance if bridge.variance else None
        fig = Figures(plan=step.plan, actual=step.actual)
        ident = f"{len(step.members)} members" if step.is_other else step.members[0] if id_header else ""
        rows.append(
            [
                Cell(step.label, step.label, "label"),
                Cell(ident, ident, "id"),
                *figure_cells(fig, tol, scale)[:4],
                Cell(percent(share, signed=True), key(share), "num"),
            ]
        )
    total = Figures(plan=bridge.plan, actual=bridge.actual)
    return {
        "level_label": bridge.level_label,
        "id_header": id_header or "Members",
        "chart": waterfall_chart(
            steps,
            title=f"Variance bridge by {bridge.level_label.lower()}: plan → actual ({data.units.label})",
            floor=axis_floor(bridge),
            y_format=lambda v: money(v, scale=scale),
            value_format=value,
        ),
        "rows": rows,
        "total": [
            Cell(""),
            *figure_cells(total, tol, scale)[:4],
            Cell(percent(1.0) if bridge.variance else "–", css="num"),
        ],
    }


def _context(data: ReportData) -> dict:
    """Everything the template shows, already computed and formatted."""
    tol = data.tolerance
    scale = data.units.scale
    unit = data.units.caption
    scope = data.scope
    partial = f" Plan and actual of {scope.covered}." if scope.partial else ""
    return {
        "title": data.title,
        "month_label": month_name(data),
        "month_scope": f" ({scope.covered_short})" if scope.partial else "",
        "previous_label": previous_label(data),
        "headline": data.headline,
        "headline_band": band(data.summary.month.variance_pct, tol),
        "narrative": narrative(data),
        "tolerance": percent(tol),
        "unit": unit,
        "figure_unit": unit + partial,
        "daily_unit": unit + (DAILY_PARTIAL if partial else ""),
        "unreported": scope.where(shown=12) if scope.partial else "",
        "discontinued": data.discontinued.note(),
        "covered": scope.covered,
        "to_come": _to_come(data),
        "lineage": _lineage(data),
        "about": [(name, "unknown" if value is None else str(value)) for name, value in about_facts(data)],
        "measures": definitions(),
        "summary_rows": _summary_rows(data),
        "figure_headers": FIGURE_HEADERS,
        "bridge": _bridge(data),
        "daily_rows": _daily_rows(data.daily_total, tol, scale),
        "daily_chart": _daily_chart(
            data.daily_total,
            f"Daily plan vs actual · total, {data.units.label} (Sundays and holidays shaded)",
        ),
        **_level_charts(data),
        "levels": _level_tables(data),
        "drill_label": LEVEL_LABELS.get(data.drill_level or "", ""),
        "drill": _drill_tables(data),
        "miss_kind": LEVEL_LABELS[data.misses_absolute[0].level] if data.misses_absolute else "Store",
        "misses_absolute": _miss_rows(data.misses_absolute, tol, scale),
        "misses_relative": _miss_rows(data.misses_relative, tol, scale),
        "trend_chart": _trend_chart(data),
        "trend_rows": _trend_rows(data),
    }


def _to_come(data: ReportData) -> list[tuple[str, str]]:
    """A partial month's plan still to come and plan of the whole month (nothing in a full month)."""
    if not data.scope.partial:
        return []
    scale = data.units.scale
    whole = data.summary.month.plan + data.plan_to_come
    return [
        (data.scope.to_come_label, money(data.plan_to_come, cents=True, scale=scale)),
        ("Plan of the whole month", money(whole, cents=True, scale=scale)),
    ]


def _lineage(data: ReportData) -> list[tuple[str, str]]:
    """Which plan and which actuals the report compares, and when it was made."""
    lin = data.lineage
    made = f"{lin.plan_made_at:%Y-%m-%d %H:%M %Z}" if lin.plan_made_at else "unknown"
    return [
        ("Plan of record", f"run {lin.plan_run_id} ({lin.plan_kind}), made {made}"),
        ("Plan trained on data version", str(lin.plan_data_version or "unknown")),
        ("Actuals data version", str(lin.actuals_data_version)),
        ("Generated", f"{lin.generated_at:%Y-%m-%d %H:%M %Z}"),
    ]


def _level_tables(data: ReportData) -> list[dict]:
    """One figure table per level (store type, state, ...), a row per member and the total."""
    tol, scale = data.tolerance, data.units.scale
    levels = []
    for level in data.flat_levels():
        with_id = bool(data.id_header(level))
        levels.append(
            {
                "id": f"level-{level}",
                "label": LEVEL_LABELS[level],
                "id_header": data.id_header(level),
                "rows": [member_cells(r, with_id, tol, scale) for r in data.levels[level]],
                "total": ([Cell("")] if with_id else []) + figure_cells(data.summary.month, tol, scale),
            }
        )
    return levels


def _drill_tables(data: ReportData) -> list[dict]:
    """The stores of each member of the drill level, under that member's own figures."""
    tol, scale = data.tolerance, data.units.scale
    members = {r.member: r for r in data.levels.get(data.drill_level or "", [])}
    drill = []
    for member, stores in data.drill.items():
        figures = members[member].figures if member in members else None
        drill.append(
            {
                "member": data.label(data.drill_level or "", member),
                "count": len(stores),
                "summary": [Cell("")] + figure_cells(figures, tol, scale) if figures else [],
                "rows": [member_cells(s, True, tol, scale) for s in stores],
            }
        )
    return drill


def _level_charts(data: ReportData) -> dict:
    """Small multiples of the chart level's largest members (at most MAX_LEVEL_CHARTS) and their note."""
    by_member = list(data.daily_by_member.items())[:MAX_LEVEL_CHARTS]
    return {
        "level_label": LEVEL_LABELS.get(data.chart_level or "", ""),
        "level_charts": [
            _daily_chart(
                points,
                data.label(data.chart_level or "total", member),
                width=430,
                height=220,
                with_band=False,
            )
            for member, points in by_member
        ],
        "level_charts_note": (
            f"the {MAX_LEVEL_CHARTS} largest of {len(data.daily_by_member)}"
            if len(data.daily_by_member) > MAX_LEVEL_CHARTS
            else ""
        ),
    }


def _trend_chart(data: ReportData) -> Markup | None:
    """WAPE and bias of the plans of record by month (none without a trend)."""
    trend = data.accuracy_trend
    if not trend:
        return None
    return line_chart(
        [f"{p.month:%b %y}" for p in trend],
        [
            Line("WAPE", [p.wape for p in trend], ACTUAL_COLOUR, None, 2.5),
            Line("Bias", [p.bias for p in trend], OTHER_COLOUR, "6 4"),
        ],
        title="Accuracy of the plan of record by month (total)",
        y_format=lambda v: f"{v:.0%}" if abs(v) >= 0.1 or v == 0 else f"{v:.1%}",
        width=880,
        height=240,
    )


def _trend_rows(data: ReportData) -> list[list[Cell]]:
    """The trend table: one row per month, the report's month marked current."""
    return [
        [
            Cell(f"{p.month:%b %Y}", p.month.isoformat(), "current" if p.month == data.month else ""),
            Cell(str(p.run_id or "–"), str(p.run_id or ""), "num"),
            Cell(percent(p.wape), key(p.wape), "num"),
            Cell(percent(p.bias, signed=True), key(p.bias), "num"),
            Cell(percent(p.mape), key(p.mape), "num"),
            Cell(percent(p.coverage_80), key(p.coverage_80), "num"),
            Cell(percent(p.coverage_95), key(p.coverage_95), "num"),
        ]
        for p in data.accuracy_trend
    ]


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(data: ReportData) -> str:
    """The report as one HTML document."""
    return _environment().get_template("report.html.j2").render(**_context(data))


def write_html(data: ReportData, path: Path) -> Path:
    """Write the HTML report of ``data`` to ``path`` (UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")
    return path
