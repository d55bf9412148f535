"""Table cells of the HTML report: display text, sort key and colour class, and the number
formatting both the cells and the headline use (true minus signs, units or thousands)."""

from __future__ import annotations

from dataclasses import dataclass

from reports.model import Figures, MemberRow, band

__all__ = ["Cell", "money", "percent", "key", "figure_cells", "member_cells"]


@dataclass(frozen=True)
class Cell:
    """One table cell: display text, sort key ('' sorts last) and CSS classes."""

    text: str
    sort: str = ""
    css: str = ""


def money(value: float | None, *, signed: bool = False, cents: bool = False, scale: int = 1) -> str:
    """'1,234,567' (or with cents); '−1,234' with a true minus; '–' when missing.

    ``scale`` 1000 shows thousands: '1,234.6' (with cents: '1,234.57').
    """
    if value is None:
        return "–"
    if scale != 1:
        text = f"{abs(value) / scale:,.2f}" if cents else f"{abs(value) / scale:,.1f}"
    else:
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


def key(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def figure_cells(fig: Figures, tolerance: float, scale: int = 1) -> list[Cell]:
    """The measure cells of one figure row, variance cells coloured by the tolerance band."""
    colour = "num " + band(fig.variance_pct, tolerance)
    return [
        Cell(money(fig.plan, scale=scale), key(fig.plan), "num"),
        Cell(money(fig.actual, scale=scale), key(fig.actual), "num"),
        Cell(money(fig.variance, signed=True, scale=scale), key(fig.variance), colour),
        Cell(percent(fig.variance_pct, signed=True), key(fig.variance_pct), colour),
        Cell(money(fig.abs_error, scale=scale), key(fig.abs_error), "num"),
        Cell(percent(fig.wape), key(fig.wape), "num"),
        Cell(percent(fig.bias, signed=True), key(fig.bias), "num"),
        Cell(percent(fig.coverage_80), key(fig.coverage_80), "num"),
        Cell(percent(fig.coverage_95), key(fig.coverage_95), "num"),
    ]


def member_cells(row: MemberRow, with_id: bool, tolerance: float, scale: int = 1) -> list[Cell]:
    """Label, the id (``with_id``: the level's members are ids), then the figures."""
    cells = [Cell(row.name, row.name, "label")]
    if with_id:
        cells.append(Cell(row.member, row.member, "id"))
    return cells + figure_cells(row.figures, tolerance, scale)
