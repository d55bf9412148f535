"""Worksheet building blocks for the Excel report: styles, figure tables, bands, charts.

A *figure table* has label columns followed by the fixed measure columns below. Plan,
actual and absolute error are values (or ``SUBTOTAL(9, …)`` on subtotal rows); variance,
variance %, WAPE and bias are always formulas, so finance can audit every derived number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.definitions import FIGURE_HEADERS
from reports.model import Figures, Units

__all__ = [
    "MONEY",
    "MONEY_CENTS",
    "MONEY_SIGNED",
    "PCT",
    "PCT_SIGNED",
    "POINTS",
    "TOLERANCE_NAME",
    "FigureColumns",
    "write_title",
    "write_text",
    "write_id",
    "numeric_ids",
    "scale_formats",
    "write_header",
    "write_figures",
    "style_total_row",
    "add_band_formatting",
    "set_widths",
    "label_width",
    "add_line_chart",
    "OVER",
    "UNDER",
    "NEUTRAL",
    "PLAN_COLOUR",
    "ACTUAL_COLOUR",
    "BAND_COLOUR",
]

MONEY = "#,##0"
MONEY_CENTS = "#,##0.00"
MONEY_SIGNED = "+#,##0;-#,##0;0"
PCT = "0.0%"
PCT_SIGNED = "+0.0%;-0.0%;0.0%"
POINTS = '+0.0" pp";-0.0" pp";0.0" pp"'
TOLERANCE_NAME = "Tolerance"

# The number format of each FIGURE_HEADERS column.
_FORMATS = (MONEY, MONEY, MONEY_SIGNED, PCT_SIGNED, MONEY, PCT, PCT_SIGNED, PCT, PCT)

NAVY = "1F3864"
_HEADER_FILL = PatternFill("solid", fgColor=NAVY)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TOTAL_FILL = PatternFill("solid", fgColor="D9E1F2")
_GROUP_FILL = PatternFill("solid", fgColor="EDF1F9")
_THIN = Side(style="thin", color="8EA9DB")
# Over plan, under plan, inside the band: distinct, and readable when printed in grey.
OVER = ("E2EFDA", "375623")
UNDER = ("FCE4D6", "9C2A00")
NEUTRAL = ("F2F2F2", "404040")
PLAN_COLOUR, ACTUAL_COLOUR, BAND_COLOUR = "7F7F7F", "1F4E79", "BDD7EE"


@dataclass(frozen=True)
class FigureColumns:
    """Column letters of the measures of a figure table starting at column ``first``."""

    first: int

    def letter(self, offset: int) -> str:
        return get_column_letter(self.first + offset)

    @property
    def plan(self) -> str:
        return self.letter(0)

    @property
    def actual(self) -> str:
        return self.letter(1)

    @property
    def variance(self) -> str:
        return self.letter(2)

    @property
    def variance_pct(self) -> str:
        return self.letter(3)

    @property
    def abs_error(self) -> str:
        return self.letter(4)

    @property
    def last(self) -> int:
        return self.first + len(FIGURE_HEADERS) - 1


def write_title(ws: Worksheet, title: str, subtitle: str, unit: str | None = None) -> None:
    """Rows 1-3: the sheet's title, its lineage line and the unit of its amounts."""
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14, color=NAVY)
    ws["A2"] = subtitle
    ws["A2"].font = Font(italic=True, color="595959")
    if unit:
        ws["A3"] = unit
        ws["A3"].font = Font(italic=True, color="595959")


def write_text(ws: Worksheet, row: int, column: int, text: str, **font: object) -> None:
    """A text cell (labels and ids): stored as a string with the text format, so it sorts and
    filters as text and an id such as 0044 keeps its zeros."""
    cell = ws.cell(row=row, column=column, value=str(text))
    cell.number_format = "@"
    if font:
        cell.font = Font(**font)  # type: ignore[arg-type]


def numeric_ids(ids: Sequence[str]) -> bool:
    """Whether a column of ids is written as numbers: every id a plain integer (no leading zero,
    within Excel's 15 exact digits). Then Excel sorts 2 before 10 and VLOOKUP finds a typed 44."""
    return bool(ids) and all(i.isdigit() and len(i) <= 15 and (i == "0" or i[0] != "0") for i in ids)


def write_id(ws: Worksheet, row: int, column: int, ident: str, *, numeric: bool) -> None:
    """An id cell: a number (format ``0``) in a column of ``numeric_ids``, else a text cell
    (so an id such as 0044 keeps its zeros)."""
    if numeric and ident.isdigit():
        ws.cell(row=row, column=column, value=int(ident)).number_format = "0"
    else:
        write_text(ws, row, column, ident)


# Amount formats shown in thousands: a trailing comma divides the display by 1,000 (Excel and
# LibreOffice); the cells keep full precision, so formulas still add up to the cent.
_THOUSANDS = {
    MONEY: "#,##0.0,",
    MONEY_CENTS: "#,##0.00,",
    MONEY_SIGNED: "+#,##0.0,;-#,##0.0,;0.0,",
    "+#,##0.00;-#,##0.00;0.00": "+#,##0.00,;-#,##0.00,;0.00,",
}


def scale_formats(ws: Worksheet, units: Units) -> None:
    """Show every amount of ``ws`` (cells and chart axes) in ``units``' scale."""
    if not units.thousands:
        return
    for cell in ws._cells.values():
        scaled = _THOUSANDS.get(cell.number_format)
        if scaled:
            cell.number_format = scaled
    for chart in ws._charts:
        current = chart.y_axis.numFmt.formatCode if chart.y_axis.numFmt else ""
        scaled = _THOUSANDS.get(current)
        if scaled:
            chart.y_axis.number_format = scaled
        for series in chart.series:  # value labels (the bridge's totals)
            if series.dLbls is not None and series.dLbls.numFmt in _THOUSANDS:
                series.dLbls.numFmt = _THOUSANDS[series.dLbls.numFmt]


def write_header(ws: Worksheet, row: int, headers: Sequence[str], first: int = 1) -> None:
    """A styled header row."""
    for offset, text in enumerate(headers):
        cell = ws.cell(row=row, column=first + offset, value=text)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(
            horizontal="center" if offset else "left", vertical="center", wrap_text=True
        )
    ws.row_dimensions[row].height = 30
    if not ws.print_title_rows:
        ws.print_title_rows = f"{row}:{row}"  # the first table's header repeats on every printed page


def write_figures(
    ws: Worksheet,
    row: int,
    cols: FigureColumns,
    figures: Figures,
    *,
    subtotal_of: tuple[int, int] | None = None,
    summed: Callable[[str], str] | None = None,
) -> None:
    """The measure cells of one row: values, or SUBTOTAL(9) of rows ``subtotal_of`` (inclusive),
    or ``summed(column letter)`` (a formula body, e.g. a SUMIFS) for plan, actual and error.

    Coverage cannot be summed, so subtotal rows carry the coverage of their own scope as values.
    With returns, WAPE and bias divide by the gross actual: the actual plus twice the returns
    (a value in the formula, so the cell still shows how it is computed).
    """
    p, a, v, e = cols.plan, cols.actual, cols.variance, cols.abs_error
    if subtotal_of:
        lo, hi = subtotal_of

        def summed(column: str) -> str:
            return f"SUBTOTAL(9,{column}{lo}:{column}{hi})"

    if summed is not None:
        plan_cell: object = f"={summed(p)}"
        actual_cell: object = f"={summed(a)}"
        error_cell: object = f"={summed(e)}"
        has_actual = True
    else:
        plan_cell, actual_cell, error_cell = figures.plan, figures.actual, figures.abs_error
        has_actual = figures.actual is not None
    values: list[object] = [plan_cell, actual_cell]
    gross = f"({a}{row}+2*{figures.returns!r})" if figures.returns else f"{a}{row}"
    if has_actual:
        values += [
            f"={a}{row}-{p}{row}",
            f'=IF({p}{row}=0,"",{v}{row}/ABS({p}{row}))',
            error_cell,
            f'=IF({gross}=0,"",{e}{row}/{gross})',
            f'=IF({gross}=0,"",{v}{row}/{gross})',
        ]
    else:
        values += [None] * 5
    values += [figures.coverage_80, figures.coverage_95]
    for offset, (value, fmt) in enumerate(zip(values, _FORMATS, strict=True)):
        cell = ws.cell(row=row, column=cols.first + offset, value=value)
        cell.number_format = fmt


def style_total_row(ws: Worksheet, row: int, first: int, last: int, *, group: bool = False) -> None:
    """Bold with a top rule (totals) or a light fill (drill-down group rows)."""
    for column in range(first, last + 1):
        cell = ws.cell(row=row, column=column)
        cell.font = Font(bold=True)
        if group:
            cell.fill = _GROUP_FILL
        else:
            cell.fill = _TOTAL_FILL
            cell.border = Border(top=_THIN, bottom=Side(style="double", color=NAVY))


def add_band_formatting(ws: Worksheet, cells: str, pct_cell: str) -> None:
    """Colour ``cells`` by the variance % in ``pct_cell`` (relative ref such as ``$E5``).

    The rules read the workbook name ``Tolerance`` so editing that one cell recolours every sheet.
    ISNUMBER keeps blank ratios (plan zero) uncoloured: in Excel text compares above any number.
    """
    rules = (
        (f"AND(ISNUMBER({pct_cell}),{pct_cell}>{TOLERANCE_NAME})", OVER),
        (f"AND(ISNUMBER({pct_cell}),{pct_cell}<-{TOLERANCE_NAME})", UNDER),
        (f"AND(ISNUMBER({pct_cell}),ABS({pct_cell})<={TOLERANCE_NAME})", NEUTRAL),
    )
    for formula, (fill, font) in rules:
        ws.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[formula],
                fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                font=Font(color=font),
                stopIfTrue=True,
            ),
        )


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    """Column widths in characters by 1-based column index."""
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def label_width(labels: Sequence[str], header: str, *, low: float = 10, high: float = 40) -> float:
    """A width that fits the longest label (within bounds)."""
    longest = max([len(header), *(len(str(label)) for label in labels)])
    return max(low, min(high, longest + 2))


def add_line_chart(
    ws: Worksheet,
    anchor: str,
    *,
    title: str,
    data_ws: Worksheet,
    columns: Sequence[int],
    header_row: int,
    first_row: int,
    last_row: int,
    category_column: int,
    number_format: str = MONEY,
    category_format: str = "d mmm",
    styles: Sequence[tuple[str, str | None]] = (),
    size: tuple[float, float] = (25, 9),
    markers: bool = False,
) -> LineChart:
    """A native line chart of ``columns`` (titles from ``header_row``) over the category column.

    ``styles`` gives each series a colour and a dash style (None: solid).
    """
    chart = LineChart()
    chart.title = title
    chart.width, chart.height = size
    chart.y_axis.number_format = number_format
    chart.x_axis.number_format = category_format
    # openpyxl >= 3.1 writes delete="1" on axes unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # day/month labels stay under the plot when values go negative
    chart.legend.position = "b"
    for column in columns:
        data = Reference(data_ws, min_col=column, min_row=header_row, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(data_ws, min_col=category_column, min_row=first_row, max_row=last_row))
    for series, (colour, dash) in zip(chart.series, styles, strict=False):
        series.smooth = False
        series.marker.symbol = "circle" if markers else "none"
        if markers:
            series.marker.size = 6
            series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
            series.marker.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 22000 if dash is None else 15000
        if dash:
            series.graphicalProperties.line.dashStyle = dash
    ws.add_chart(chart, anchor)
    return chart
