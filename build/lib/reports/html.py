"""The self-contained HTML report: jinja2 templates (autoescaped), inline CSS and SVG charts.

All numbers are computed and formatted here; templates only lay out the cells this module
hands them (text, sort key, colour class), so the HTML and Excel reports cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reports.charts import Line, line_chart
from reports.model import (
    LEVEL_LABELS,
    MEASURES,
    DailyPoint,
    Figures,
    Miss,
    ReportData,
    band,
    month_label,
)

__all__ = ["render_html", "write_html", "Cell", "money", "percent"]

PLAN_COLOUR, ACTUAL_COLOUR, OTHER_COLOUR = "#7f7f7f", "#1f4e79", "#c55a11"
FIGURE_HEADERS = (
    "Plan",
    "Actual",
    "Variance",
    "Variance %",
    "Abs. error",
    "WAPE",
    "Bias",
    "Inside 80%",
    "Inside 95%",
)
MAX_LEVEL_CHARTS = 12


@dataclass(frozen=True)
class Cell:
    """One table cell: display text, sort key ('' sorts last) and CSS classes."""

    text: str
    sort: str = ""
    css: str = ""


def money(value: float | None, *, signed: bool = False, cents: bool = False) -> str:
    """'1,234,567' (or with cents); '−1,234' with a true minus; '–' when missing."""
    if value is None:
        return "–"
    text = f"{abs(value):,.2f}" if cents else f"{abs(round(value)):,.0f}"
    if value < 0 and text.strip("0.,"):
        return "\u2212" + text
    return ("+" + text) if signed and value > 0 and text.strip("0.,") else text


def percent(value: float | None, *, signed: bool = False) -> str:
    """'12.3%' or '+12.3%'; '–' when missing."""
    if value is None:
        return "–"
    text = f"{abs(value):.1%}"
    if value < 0 and text != "0.0%":
        return "\u2212" + text
    return ("+" + text) if signed and value > 0 and text != "0.0%" else text


def _key(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def figure_cells(fig: Figures, tolerance: float) -> list[Cell]:
    """The measure cells of one figure row, variance cells coloured by the tolerance band."""
    colour = "num " + band(fig.variance_pct, tolerance)
    return [
        Cell(money(fig.plan), _key(fig.plan), "num"),
        Cell(money(fig.actual), _key(fig.actual), "num"),
        Cell(money(fig.variance, signed=True), _key(fig.variance), colour),
        Cell(percent(fig.variance_pct, signed=True), _key(fig.variance_pct), colour),
        Cell(money(fig.abs_error), _key(fig.abs_error), "num"),
        Cell(percent(fig.wape), _key(fig.wape), "num"),
        Cell(percent(fig.bias, signed=True), _key(fig.bias), "num"),
        Cell(percent(fig.coverage_80), _key(fig.coverage_80), "num"),
        Cell(percent(fig.coverage_95), _key(fig.coverage_95), "num"),
    ]


def _summary_rows(data: ReportData) -> list[dict]:
    month, prev, ytd = data.summary.month, data.summary.previous, data.summary.year_to_date
    tol = data.tolerance

    def row(name: str, attr: str, kind: str, *, in_ytd: bool = True, coloured: bool = False) -> dict:
        now = getattr(month, attr)
        before = getattr(prev, attr) if prev else None
        fmt = {
            "money": lambda v: money(v, cents=True),
            "signed": lambda v: money(v, signed=True, cents=True),
            "pct": percent,
            "spct": lambda v: percent(v, signed=True),
        }[kind]
        if now is None or before is None:
            change = "–"
        elif kind in ("money", "signed"):
            change = money(now - before, signed=True, cents=True)
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

    return [
        row("Plan", "plan", "money"),
        row("Actual", "actual", "money"),
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
            Line("Plan", [p.plan for p in points], PLAN_COLOUR, "6 4"),
            Line("Actual", [p.actual for p in points], ACTUAL_COLOUR, None, 2.5),
        ],
        title=title,
        band=([p.lo_80 for p in points], [p.hi_80 for p in points]) if with_band else None,
        shade=[p.holiday or p.day.isoweekday() == 7 for p in points],
        width=width,
        height=height,
        label_every=1 if width >= 700 else 3,
    )


def _daily_rows(points: list[DailyPoint], tolerance: float) -> list[list[Cell]]:
    """The daily table under the total chart (the same rows as the Excel Daily sheet)."""
    rows = []
    for p in points:
        colour = "num " + band(p.variance_pct, tolerance)
        rows.append(
            [
                Cell(f"{p.day:%a %d %b}", p.day.isoformat()),
                Cell("holiday" if p.holiday else "", "1" if p.holiday else "0"),
                Cell(percent(p.promo_share), _key(p.promo_share), "num"),
                Cell(percent(p.closed_share), _key(p.closed_share), "num"),
                Cell(money(p.plan), _key(p.plan), "num"),
                Cell(money(p.actual), _key(p.actual), "num"),
                Cell(money(p.variance, signed=True), _key(p.variance), colour),
                Cell(percent(p.variance_pct, signed=True), _key(p.variance_pct), colour),
                Cell(money(p.lo_80), _key(p.lo_80), "num"),
                Cell(money(p.hi_80), _key(p.hi_80), "num"),
            ]
        )
    return rows


def _miss_rows(misses: list[Miss], tolerance: float) -> list[list[Cell]]:
    rows = []
    for rank, miss in enumerate(misses, start=1):
        colour = "num " + band(miss.variance_pct, tolerance)
        rows.append(
            [
                Cell(str(rank), str(rank), "num"),
                Cell(miss.member, miss.member),
                Cell(f"{miss.day:%a %d %b}", miss.day.isoformat()),
                Cell(money(miss.plan), _key(miss.plan), "num"),
                Cell(money(miss.actual), _key(miss.actual), "num"),
                Cell(money(miss.variance, signed=True), _key(miss.variance), colour),
                Cell(percent(miss.variance_pct, signed=True), _key(miss.variance_pct), colour),
                Cell(", ".join(miss.flags), ", ".join(miss.flags), "flags"),
            ]
        )
    return rows


def _context(data: ReportData) -> dict:
    """Everything the template shows, already computed and formatted."""
    tol = data.tolerance
    lin = data.lineage
    levels = []
    for level in data.flat_levels():
        rows = data.levels[level]
        levels.append(
            {
                "id": f"level-{level}",
                "label": LEVEL_LABELS[level],
                "rows": [[Cell(r.member, r.member), *figure_cells(r.figures, tol)] for r in rows],
                "total": figure_cells(data.summary.month, tol),
            }
        )
    drill = []
    members = {r.member: r for r in data.levels.get(data.drill_level or "", [])}
    for member, stores in data.drill.items():
        figures = members[member].figures if member in members else None
        drill.append(
            {
                "member": member,
                "count": len(stores),
                "summary": figure_cells(figures, tol) if figures else [],
                "rows": [[Cell(s.member, s.member), *figure_cells(s.figures, tol)] for s in stores],
            }
        )
    by_member = list(data.daily_by_member.items())[:MAX_LEVEL_CHARTS]
    trend = data.accuracy_trend
    trend_chart = (
        line_chart(
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
        if trend
        else None
    )
    made = f"{lin.plan_made_at:%Y-%m-%d %H:%M %Z}" if lin.plan_made_at else "unknown"
    return {
        "title": data.title,
        "month_label": month_label(data.month),
        "previous_label": month_label(data.previous_month),
        "headline": data.headline,
        "headline_band": band(data.summary.month.variance_pct, tol),
        "tolerance": percent(tol),
        "missing_days": ", ".join(f"{d:%d %b}" for d in data.missing_days),
        "lineage": [
            ("Plan of record", f"run {lin.plan_run_id} ({lin.plan_kind}), made {made}"),
            ("Plan trained on data version", str(lin.plan_data_version or "unknown")),
            ("Actuals data version", str(lin.actuals_data_version)),
            ("Generated", f"{lin.generated_at:%Y-%m-%d %H:%M %Z}"),
        ],
        "about": [
            ("Report month", month_label(data.month)),
            ("Plan of record run id", str(lin.plan_run_id)),
            ("Plan run kind", lin.plan_kind),
            ("Plan made at", made),
            ("Plan trained on data version", str(lin.plan_data_version or "unknown")),
            ("Actuals data version", str(lin.actuals_data_version)),
            ("Model version", lin.model_version or "unknown"),
            ("Code version", lin.code_version or "unknown"),
            ("Generated at", f"{lin.generated_at:%Y-%m-%d %H:%M:%S %Z}"),
            ("Generated by", lin.generator),
            ("Tolerance band", f"±{percent(tol)}"),
            ("Source", ", ".join(lin.source_views)),
        ],
        "measures": MEASURES,
        "summary_rows": _summary_rows(data),
        "figure_headers": FIGURE_HEADERS,
        "daily_rows": _daily_rows(data.daily_total, tol),
        "daily_chart": _daily_chart(
            data.daily_total, "Daily plan vs actual · total (Sundays and holidays shaded)"
        ),
        "level_label": LEVEL_LABELS.get(data.chart_level or "", ""),
        "level_charts": [
            _daily_chart(
                points,
                f"{LEVEL_LABELS[data.chart_level or 'total']} {member}",
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
        "levels": levels,
        "drill_label": LEVEL_LABELS.get(data.drill_level or "", ""),
        "drill": drill,
        "misses_absolute": _miss_rows(data.misses_absolute, tol),
        "misses_relative": _miss_rows(data.misses_relative, tol),
        "trend_chart": trend_chart,
        "trend_rows": [
            [
                Cell(f"{p.month:%b %Y}", p.month.isoformat(), "current" if p.month == data.month else ""),
                Cell(str(p.run_id or "–"), str(p.run_id or ""), "num"),
                Cell(percent(p.wape), _key(p.wape), "num"),
                Cell(percent(p.bias, signed=True), _key(p.bias), "num"),
                Cell(percent(p.mape), _key(p.mape), "num"),
                Cell(percent(p.coverage_80), _key(p.coverage_80), "num"),
                Cell(percent(p.coverage_95), _key(p.coverage_95), "num"),
            ]
            for p in trend
        ],
    }


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
