"""The Bridge sheet: plan total → actual total by the largest contributors, as formulas and a
native stacked-column waterfall chart.

Every number after the member values is a formula: each step's variance is Actual − Plan,
the running total adds the steps to the plan, the actual total is the plan plus the sum of
the steps, and a check cell compares that sum with the Summary's variance (difference 0).
The chart's helper columns (base, up, down, total) are formulas over the same cells, so
editing a member's actual moves the chart.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from reports.bridge import Bridge, axis_floor
from reports.model import ReportData
from reports.sheets import (
    MONEY,
    MONEY_SIGNED,
    PCT_SIGNED,
    numeric_ids,
    set_widths,
    style_total_row,
    write_header,
    write_id,
    write_text,
    write_title,
)

__all__ = ["write_bridge"]

HEADER_ROW = 4
UP, DOWN, TOTAL = "70AD47", "C00000", "7F7F7F"
_HELPERS = ("Chart: base", "Chart: up", "Chart: down", "Chart: total")


def write_bridge(ws: Worksheet, data: ReportData, bridge: Bridge, subtitle: str, variance_ref: str) -> None:
    """Write the bridge table, its check and its chart on ``ws``."""
    level = bridge.level_label
    write_title(ws, f"{data.title} · variance bridge by {level.lower()}", subtitle, data.units.caption)
    # Column B: the member's id where the level's members are ids, the size of "other".
    id_header = data.id_header(bridge.level)
    headers = [
        "Step",
        id_header or "Members",
        "Plan",
        "Actual",
        "Variance",
        "Running total",
        "Share of variance",
    ]
    write_header(ws, HEADER_ROW, headers)
    write_header(ws, HEADER_ROW, _HELPERS, first=9)
    numeric = numeric_ids([s.members[0] for s in bridge.steps if not s.is_other])
    start = HEADER_ROW + 1
    first = start + 1
    last = first + len(bridge.steps) - 1
    end_row, sum_row = last + 1, last + 2
    write_text(ws, start, 1, "Plan (total)", bold=True)
    ws.cell(row=start, column=3, value=f"=SUM(C{first}:C{last})").number_format = MONEY
    ws.cell(row=start, column=6, value=f"=C{start}").number_format = MONEY
    ws.cell(row=start, column=12, value=f"=F{start}").number_format = MONEY
    for offset, step in enumerate(bridge.steps):
        r = first + offset
        write_text(ws, r, 1, step.label)
        if step.is_other:
            write_text(ws, r, 2, f"{len(step.members)} members")
        elif id_header:
            write_id(ws, r, 2, step.members[0], numeric=numeric)
        values: list[tuple[int, object, str]] = [
            (3, step.plan, MONEY),
            (4, step.actual, MONEY),
            (5, f"=D{r}-C{r}", MONEY_SIGNED),
            (6, f"=F{r - 1}+E{r}", MONEY),
            (7, f'=IF($E${sum_row}=0,"",E{r}/$E${sum_row})', PCT_SIGNED),
            (9, f"=MIN(F{r - 1},F{r})", MONEY),
            (10, f"=MAX(E{r},0)", MONEY),
            (11, f"=MAX(-E{r},0)", MONEY),
        ]
        for column, value, fmt in values:
            ws.cell(row=r, column=column, value=value).number_format = fmt
    write_text(ws, end_row, 1, "Actual (total)", bold=True)
    ws.cell(row=end_row, column=4, value=f"=SUM(D{first}:D{last})").number_format = MONEY
    ws.cell(row=end_row, column=6, value=f"=C{start}+E{sum_row}").number_format = MONEY
    ws.cell(row=end_row, column=12, value=f"=F{end_row}").number_format = MONEY
    ws.cell(row=sum_row, column=1, value="Total variance (sum of the steps)")
    for column, value, fmt in (
        (5, f"=SUM(E{first}:E{last})", MONEY_SIGNED),
        (7, f'=IF(E{sum_row}=0,"",SUM(G{first}:G{last}))', PCT_SIGNED),
    ):
        ws.cell(row=sum_row, column=column, value=value).number_format = fmt
    style_total_row(ws, sum_row, 1, 7)
    check = end_row + 2
    ws.cell(row=check, column=1, value="Check: variance on the Summary")
    ws.cell(row=check, column=5, value=f"={variance_ref}").number_format = MONEY_SIGNED
    ws.cell(row=check + 1, column=1, value="Difference (sum of the steps − Summary)")
    ws.cell(row=check + 1, column=5, value=f"=ROUND(E{sum_row}-E{check},2)").number_format = "0.00"
    note = ws.cell(
        row=check + 2,
        column=1,
        value="Chart columns I:L only draw the waterfall (an invisible base under the green and red steps).",
    )
    note.font = Font(italic=True, color="7F7F7F")
    for r in range(HEADER_ROW, sum_row + 1):
        for column in range(9, 13):
            ws.cell(row=r, column=column).font = Font(color="7F7F7F", bold=r == HEADER_ROW)
    ws.freeze_panes = ws.cell(row=start, column=3)
    widths = {1: min(48, max(24, *(len(s.label) + 2 for s in bridge.steps))), 2: 12}
    set_widths(ws, {**widths, **{c: 14 for c in range(3, 8)}, 8: 3, **{c: 12 for c in range(9, 13)}})
    _chart(ws, bridge, start, end_row)


def _chart(ws: Worksheet, bridge: Bridge, start: int, end_row: int) -> None:
    """Stacked columns: an unfilled base lifts each step to where the running total stands."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = f"Variance bridge by {bridge.level_label.lower()}: plan → actual"
    chart.width, chart.height = 26, 11
    chart.legend = None
    chart.y_axis.number_format = MONEY
    chart.y_axis.scaling.min = axis_floor(bridge)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    for column in range(9, 13):
        data = Reference(ws, min_col=column, min_row=HEADER_ROW, max_row=end_row)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=start, max_row=end_row))
    base, up, down, total = chart.series
    base.graphicalProperties.noFill = True
    base.graphicalProperties.line.noFill = True
    for series, colour in ((up, UP), (down, DOWN), (total, TOTAL)):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    total.dLbls = DataLabelList()
    total.dLbls.showVal = True
    total.dLbls.showCatName = total.dLbls.showSerName = total.dLbls.showLegendKey = False
    total.dLbls.position = "inEnd"
    total.dLbls.numFmt = MONEY
    ws.add_chart(chart, f"A{end_row + 7}")
