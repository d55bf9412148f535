"""The Summary sheet of the Excel report: headline, narrative, the header block (which plan,
which actuals, the tolerance cell every colour rule reads) and the summary table (measures down;
the month, the previous month, the change and the year to date across)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from reports.model import Figures, ReportData
from reports.narrative import narrative
from reports.period import month_header, month_name, previous_label
from reports.sheets import (
    MONEY_CENTS,
    PCT,
    PCT_SIGNED,
    POINTS,
    add_band_formatting,
    set_widths,
    write_header,
)

__all__ = ["write_summary"]


def write_summary(ws: Worksheet, data: ReportData) -> tuple[str, str]:
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
