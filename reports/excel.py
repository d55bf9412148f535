"""The Excel report: Summary (with the narrative), variance bridge, one sheet per breakdown
level, store drill-down, daily, misses, accuracy trend and About (lineage and definitions).

Sheets read top-down like the HTML report. Derived numbers are formulas; the tolerance band
is the workbook name ``Tolerance`` (a cell on the Summary sheet) used by every colour rule.
Members are named by their label (a text cell) with their id in the next column; every sheet
states the unit of its amounts in row 3.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from reports.about import write_about
from reports.bridge import build_bridge
from reports.bridge_sheet import write_bridge
from reports.daily_sheets import write_daily, write_level_daily, write_misses, write_trend
from reports.definitions import FIGURE_HEADERS
from reports.model import LEVEL_LABELS, Figures, ReportData
from reports.period import month_header
from reports.sheets import (
    TOLERANCE_NAME,
    FigureColumns,
    add_band_formatting,
    label_width,
    numeric_ids,
    scale_formats,
    set_widths,
    style_total_row,
    write_figures,
    write_header,
    write_id,
    write_text,
    write_title,
)
from reports.summary_sheet import write_summary

__all__ = ["write_workbook", "sheet_name", "lineage_line"]

TABLE_HEADER_ROW = 4
_INVALID = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(text: str) -> str:
    """A valid worksheet name (31 characters, no []:*?/\\)."""
    return text.translate(_INVALID)[:31]


def lineage_line(data: ReportData) -> str:
    """The one-line provenance under every sheet title."""
    lin = data.lineage
    return (
        f"{month_header(data)} · plan of record: run {lin.plan_run_id} · "
        "actuals: data version "
        f"{lin.actuals_data_version} · tolerance ±{data.tolerance:.1%} · generated "
        f"{lin.generated_at:%Y-%m-%d %H:%M %Z}".rstrip()
    )


def write_workbook(data: ReportData, path: Path) -> Path:
    """Write the Excel report of ``data`` to ``path``."""
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    tolerance_ref, variance_ref = write_summary(summary, data)
    wb.defined_names[TOLERANCE_NAME] = DefinedName(TOLERANCE_NAME, attr_text=tolerance_ref)
    if data.bridge_level and data.bridge_level in data.levels:
        bridge = build_bridge(data.levels[data.bridge_level], data.bridge_level)
        write_bridge(wb.create_sheet("Bridge"), data, bridge, lineage_line(data), variance_ref)
    for level in data.flat_levels():
        _write_level(wb.create_sheet(sheet_name(LEVEL_LABELS[level])), data, level)
    if data.drill_level and data.drill:
        name = sheet_name(f"Stores by {LEVEL_LABELS[data.drill_level].lower()}")
        _write_drill(wb.create_sheet(name), data)
    write_daily(wb.create_sheet("Daily"), data, lineage_line(data))
    if data.chart_level and data.daily_by_member:
        name = sheet_name(f"Daily by {LEVEL_LABELS[data.chart_level].lower()}")
        write_level_daily(wb.create_sheet(name), data, lineage_line(data))
    write_misses(wb.create_sheet("Largest misses"), data, lineage_line(data))
    if data.accuracy_trend:
        write_trend(wb.create_sheet("Accuracy trend"), data, lineage_line(data))
    write_about(wb.create_sheet("About"), data)
    for ws in wb.worksheets:
        scale_formats(ws, data.units)
        ws.sheet_view.showGridLines = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = "&A · page &P of &N"
    wb.properties.title = data.title
    wb.properties.creator = data.lineage.generator
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_level(ws: Worksheet, data: ReportData, level: str) -> None:
    """A flat, filterable breakdown (label, id where the member is one, figures) with a
    SUBTOTAL row under the filtered range."""
    label = LEVEL_LABELS[level]
    rows = data.levels[level]
    id_header = data.id_header(level)
    write_title(ws, f"{data.title} · by {label.lower()}", lineage_line(data), _unit(data))
    write_header(ws, TABLE_HEADER_ROW, [label, *([id_header] if id_header else []), *FIGURE_HEADERS])
    cols = FigureColumns(first=3 if id_header else 2)
    numeric = numeric_ids([r.member for r in rows])
    first = TABLE_HEADER_ROW + 1
    for offset, member in enumerate(rows):
        row = first + offset
        write_text(ws, row, 1, member.name)
        if id_header:
            write_id(ws, row, 2, member.member, numeric=numeric)
        write_figures(ws, row, cols, member.figures)
    last = first + len(rows) - 1
    total = last + 1
    ws.cell(row=total, column=1, value="Total")
    write_figures(ws, total, cols, data.summary.month, subtotal_of=(first, last))
    style_total_row(ws, total, 1, cols.last)
    ws.freeze_panes = ws.cell(row=first, column=cols.first)
    ws.auto_filter.ref = f"A{TABLE_HEADER_ROW}:{cols.letter(len(FIGURE_HEADERS) - 1)}{last}"
    add_band_formatting(
        ws, f"{cols.variance}{first}:{cols.variance_pct}{total}", f"${cols.variance_pct}{first}"
    )
    widths = {1: label_width([r.name for r in rows], label, high=48), 2: 12}
    set_widths(ws, {**widths, **{c: 13 for c in range(cols.first, cols.last + 1)}})


def _unit(data: ReportData) -> str:
    """The unit line of a figure table; a partial month says which days it covers."""
    if not data.partial:
        return data.units.caption
    return (
        f"{data.units.caption} Plan and actual of {data.scope.covered}; "
        "the plan still to come is on the Summary."
    )


def _write_drill(ws: Worksheet, data: ReportData) -> None:
    """The stores of every drill-level member: a summary of the members on top (sums over the
    store table by member name, so sorting the stores cannot break them), then one flat, filterable table of
    stores with their member in column A and a SUBTOTAL total that follows the filter
    (filter a member to see its subtotal). No subtotal row sits inside the sorted range."""
    assert data.drill_level is not None
    label = LEVEL_LABELS[data.drill_level]
    write_title(ws, f"{data.title} · stores by {label.lower()}", lineage_line(data), _unit(data))
    cols = FigureColumns(first=4)
    members = {row.member: row for row in data.levels.get(data.drill_level, [])}
    groups = [(member, stores) for member, stores in data.drill.items() if stores]
    stores_all = [s for _member, stores in groups for s in stores]
    numeric = numeric_ids([s.member for s in stores_all])
    # the store table's rows, known before the summary that refers to them
    header = TABLE_HEADER_ROW + len(groups) + 2
    first, last = header + 1, header + len(stores_all)

    write_header(ws, TABLE_HEADER_ROW, [label, "Stores", "", *FIGURE_HEADERS])
    for offset, (member, stores) in enumerate(groups):
        row = TABLE_HEADER_ROW + 1 + offset
        write_text(ws, row, 1, data.label(data.drill_level, member))
        write_text(ws, row, 2, f"{len(stores)} store{'s' if len(stores) != 1 else ''}")
        scope = members[member].figures if member in members else _sum(stores)

        def of_member(column: str, row: int = row) -> str:
            # EXACT, not SUMIFS: a criterion would read wildcards in a label and ignore case
            return f"SUMPRODUCT(EXACT($A${first}:$A${last},$A{row})*{column}${first}:{column}${last})"

        write_figures(ws, row, cols, scope, summed=of_member)
        style_total_row(ws, row, 1, cols.last, group=True)

    write_header(ws, header, [label, "Store", "Store id", *FIGURE_HEADERS])
    row = header
    for member, stores in groups:
        name = data.label(data.drill_level, member)
        for store in stores:
            row += 1
            write_text(ws, row, 1, name)
            write_text(ws, row, 2, store.name)
            write_id(ws, row, 3, store.member, numeric=numeric)
            write_figures(ws, row, cols, store.figures)
    total = last + 1
    ws.cell(row=total, column=1, value="Total")
    write_figures(ws, total, cols, data.summary.month, subtotal_of=(first, last))
    style_total_row(ws, total, 1, cols.last)
    ws.freeze_panes = ws.cell(row=1, column=cols.first)  # labels stay in view; the summary scrolls
    ws.auto_filter.ref = f"A{header}:{cols.letter(len(FIGURE_HEADERS) - 1)}{last}"
    add_band_formatting(
        ws,
        f"{cols.variance}{TABLE_HEADER_ROW + 1}:{cols.variance_pct}{total}",
        f"${cols.variance_pct}{TABLE_HEADER_ROW + 1}",
    )
    set_widths(
        ws,
        {
            1: label_width([data.label(data.drill_level, m) for m in data.drill], label),
            2: label_width([s.name for s in stores_all], "Store", high=48),
            3: 10,
            **{c: 13 for c in range(cols.first, cols.last + 1)},
        },
    )


def _sum(rows: list) -> Figures:
    actuals = [r.figures.actual for r in rows]
    return Figures(
        plan=sum(r.figures.plan for r in rows),
        actual=None if any(a is None for a in actuals) else sum(actuals),
        abs_error=sum(r.figures.abs_error or 0.0 for r in rows),
    )
