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
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from reports.about import write_about
from reports.bridge import build_bridge
from reports.bridge_sheet import write_bridge
from reports.daily_sheets import write_daily, write_level_daily, write_misses, write_trend
from reports.definitions import FIGURE_HEADERS
from reports.model import LEVEL_LABELS, Figures, ReportData
from reports.narrative import narrative
from reports.period import month_header, month_name, previous_label
from reports.sheets import (
    MONEY_CENTS,
    PCT,
    PCT_SIGNED,
    POINTS,
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
    tolerance_ref, variance_ref = _write_summary(summary, data)
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


def _write_summary(ws: Worksheet, data: ReportData) -> tuple[str, str]:
    """Headline, narrative, header block and the summary table; returns the absolute references
    of the tolerance cell and of the month's variance cell."""
    lin = data.lineage
    ws["A1"] = data.title
    ws["A1"].font = Font(bold=True, size=16, color="1F3864")
    ws["A2"] = data.headline
    ws["A2"].font = Font(bold=True)
    ws["A3"] = data.units.caption
    ws["A3"].font = Font(italic=True, color="595959")
    sentences = narrative(data)
    for offset, sentence in enumerate(sentences):
        row = 4 + offset
        ws.cell(row=row, column=1, value=f"• {sentence}").alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        ws.row_dimensions[row].height = 15 * (1 + len(sentence) // 130)
    first = 5 + len(sentences)
    made = f", made {lin.plan_made_at:%Y-%m-%d %H:%M %Z}" if lin.plan_made_at else ""
    header = [
        ("Month", month_header(data)),
        ("Plan of record", f"run {lin.plan_run_id} ({lin.plan_kind}){made}"),
        ("Plan trained on data version", lin.plan_data_version),
        ("Actuals data version", lin.actuals_data_version),
        ("Generated", f"{lin.generated_at:%Y-%m-%d %H:%M %Z}"),
        ("Tolerance band (±)", data.tolerance),
    ]
    scope = data.scope
    if scope.partial:
        header.insert(1, (scope.label, scope.fraction))
    for offset, (label, value) in enumerate(header):
        ws.cell(row=first + offset, column=1, value=label).font = Font(bold=True)
        cell = ws.cell(row=first + offset, column=2, value=value)
        cell.alignment = Alignment(horizontal="left")
    tolerance_row = first + len(header) - 1
    ws.cell(row=tolerance_row, column=2).number_format = PCT
    ws.cell(row=tolerance_row, column=3, value="edit to recolour every sheet").font = Font(
        italic=True, color="7F7F7F"
    )
    if scope.partial:
        ws.cell(row=tolerance_row + 1, column=1, value="Incomplete actuals").font = Font(
            bold=True, color="C00000"
        )
        ws.cell(row=tolerance_row + 1, column=2, value=f"not yet reported: {scope.where()}")
    if data.discontinued:
        notes = tolerance_row + (2 if scope.partial else 1)
        ws.cell(row=notes, column=1, value="Discontinued").font = Font(bold=True)
        ws.cell(row=notes, column=2, value=data.discontinued.note())

    top = tolerance_row + 3 + (1 if data.discontinued else 0)  # below the notes
    prev_label = previous_label(data)
    covered = f" ({scope.covered_short})" if scope.partial else ""
    write_header(
        ws, top, ["Measure", month_name(data) + covered, prev_label, "Change", "Year to date"]
    )
    variance_row = _write_summary_rows(ws, top + 1, data)
    set_widths(ws, {1: 30, 2: 22, 3: 20, 4: 16, 5: 20, 6: 20})
    return f"'Summary'!$B${tolerance_row}", f"'Summary'!$B${variance_row}"


def _write_summary_rows(ws: Worksheet, first: int, data: ReportData) -> int:
    """Measures down, scopes across; derived rows are formulas over the rows above.

    Returns the row of the variance. With returns a Returns row joins the table and WAPE and
    bias divide by the gross actual (Actual + 2 × Returns); in a partial month the plan of the
    unreported series-days (still to come) follows the table.
    """
    month, previous = data.summary.month, data.summary.previous
    scopes_returns = any(f is not None and f.returns for f in (month, previous))
    rows = [
        "Plan",
        "Actual",
        *(["Returns"] if scopes_returns else []),
        "Variance",
        "Variance %",
        "Absolute error",
        "WAPE",
        "Bias",
        "Inside 80%",
        "Inside 95%",
    ]
    r = {name: first + i for i, name in enumerate(rows)}
    scopes: list[tuple[str, Figures | None]] = [
        ("B", data.summary.month),
        ("C", data.summary.previous),
        ("E", data.summary.year_to_date),
    ]
    for name in rows:
        ws.cell(row=r[name], column=1, value=name).font = Font(bold=name in ("Plan", "Actual", "Variance"))
    for col, fig in scopes:
        if fig is not None:
            _write_scope_column(ws, col, fig, r)
    if previous is not None:
        _write_change_column(ws, month, previous, r)
    add_band_formatting(ws, f"B{r['Variance']}:E{r['Variance %']}", f"B${r['Variance %']}")
    if data.partial:
        _write_plan_to_come(ws, first + len(rows) + 1, data, r["Plan"])
    return r["Variance"]


def _write_scope_column(ws: Worksheet, col: str, fig: Figures, r: dict[str, int]) -> None:
    """One scope's column of the summary (month, previous month or year to date) at rows ``r``."""
    cells: dict[str, object] = {"Plan": fig.plan, "Actual": fig.actual}
    gross = f"{col}{r['Actual']}"
    if "Returns" in r and col != "E":
        cells["Returns"] = fig.returns
        gross = f"({col}{r['Actual']}+2*{col}{r['Returns']})"
    if fig.actual is not None:
        cells["Variance"] = f"={col}{r['Actual']}-{col}{r['Plan']}"
        cells["Variance %"] = f'=IF({col}{r["Plan"]}=0,"",{col}{r["Variance"]}/ABS({col}{r["Plan"]}))'
    if fig.abs_error is not None and fig.actual is not None:
        cells["Absolute error"] = fig.abs_error
        cells["WAPE"] = f'=IF({gross}=0,"",{col}{r["Absolute error"]}/{gross})'
        cells["Bias"] = f'=IF({gross}=0,"",{col}{r["Variance"]}/{gross})'
    cells["Inside 80%"] = fig.coverage_80
    cells["Inside 95%"] = fig.coverage_95
    for name, value in cells.items():
        if value is None:
            continue
        cell = ws[f"{col}{r[name]}"]
        cell.value = value
        cell.number_format = _summary_format(name)


def _write_change_column(ws: Worksheet, month: Figures, previous: Figures, r: dict[str, int]) -> None:
    """Column D: the month against the previous one (amounts as a difference, ratios in points)."""
    pairs = {
        "Plan": (month.plan, previous.plan),
        "Actual": (month.actual, previous.actual),
        "Variance": (month.variance, previous.variance),
        "Variance %": (month.variance_pct, previous.variance_pct),
        "Absolute error": (month.abs_error, previous.abs_error),
        "WAPE": (month.wape, previous.wape),
        "Bias": (month.bias, previous.bias),
        "Inside 80%": (month.coverage_80, previous.coverage_80),
        "Inside 95%": (month.coverage_95, previous.coverage_95),
    }
    if "Returns" in r:
        pairs["Returns"] = (month.returns, previous.returns)
    for name, (now, before) in pairs.items():
        if now is None or before is None:
            continue
        row = r[name]
        cell = ws[f"D{row}"]
        if name in _AMOUNTS:
            cell.value = f"=B{row}-C{row}"
            cell.number_format = "+#,##0.00;-#,##0.00;0.00"
        else:  # change of a ratio in percentage points
            cell.value = f"=(B{row}-C{row})*100"
            cell.number_format = POINTS


def _write_plan_to_come(ws: Worksheet, row: int, data: ReportData, plan_row: int) -> None:
    """Below the table of a partial month: the plan still to come and the plan of the whole month."""
    ws.cell(row=row, column=1, value=data.scope.to_come_label).font = Font(bold=True)
    ws.cell(row=row, column=2, value=data.plan_to_come).number_format = MONEY_CENTS
    ws.cell(row=row + 1, column=1, value="Plan of the whole month").font = Font(bold=True)
    ws.cell(row=row + 1, column=2, value=f"=B{plan_row}+B{row}").number_format = MONEY_CENTS
    ws.cell(
        row=row + 2,
        column=1,
        value=f"The month's figures above compare {data.scope.covered} only; "
        "the plan still to come is not in them.",
    ).font = Font(italic=True, color="595959")


_AMOUNTS = ("Plan", "Actual", "Returns", "Variance", "Absolute error")


def _summary_format(name: str) -> str:
    if name in ("Variance %", "Bias"):
        return PCT_SIGNED
    if name in ("WAPE", "Inside 80%", "Inside 95%"):
        return PCT
    if name == "Variance":
        return "+#,##0.00;-#,##0.00;0.00"
    return MONEY_CENTS


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
