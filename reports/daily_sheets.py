"""Excel sheets over time: daily total, daily by the chart level, largest misses, accuracy trend.

Each carries native line charts that point at the sheet's own cells, so a corrected cell
redraws the chart.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.model import LEVEL_LABELS, ReportData
from reports.sheets import (
    ACTUAL_COLOUR,
    BAND_COLOUR,
    MONEY,
    MONEY_SIGNED,
    PCT,
    PCT_SIGNED,
    PLAN_COLOUR,
    add_band_formatting,
    add_line_chart,
    label_width,
    numeric_ids,
    set_widths,
    style_total_row,
    write_header,
    write_title,
)
from reports.unreported import DAILY_PARTIAL

__all__ = ["write_daily", "write_level_daily", "write_misses", "write_trend"]

HEADER_ROW = 4
DATE_FORMAT = "yyyy-mm-dd"
_CHART_COLUMNS = 2  # small multiples per row on the level sheet


_DAILY_HEADERS = ("Day", "Weekday", "Holiday", "Promo share", "Closed share", "Plan", "Actual", "Variance",
                  "Variance %", "Low 80%", "High 80%", "Low 95%", "High 95%")
_DAILY_FORMATS = (DATE_FORMAT, "@", "@", PCT, PCT, MONEY, MONEY, MONEY_SIGNED, PCT_SIGNED, MONEY, MONEY,
                  MONEY, MONEY)
_PARTIAL_HEADERS = ("Plan not yet reported", "Plan compared")


def write_daily(ws: Worksheet, data: ReportData, subtitle: str) -> None:
    """One row per day of the total: flags, plan, actual, variance formulas, interval bounds.

    A partial month adds two columns: the plan of the day's unreported series-days (N) and the
    plan the actual is compared with (O: plan less N on a day with actuals, else the whole
    plan), which the variance uses and the chart draws.
    """
    partial = data.partial
    unit = data.units.caption
    if partial:
        unit += f" Variances compare {data.scope.covered} (plan not yet reported left out)."
    write_title(ws, f"{data.title} · daily total", subtitle, unit)
    width = len(_DAILY_HEADERS) + (len(_PARTIAL_HEADERS) if partial else 0)
    write_header(ws, HEADER_ROW, [*_DAILY_HEADERS, *(_PARTIAL_HEADERS if partial else ())])
    first = HEADER_ROW + 1
    last = _write_daily_rows(ws, data, first)
    total, compared = _write_daily_totals(ws, data, first, last, width)
    ws.freeze_panes = ws.cell(row=first, column=2)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{'O' if partial else 'M'}{last}"
    add_band_formatting(ws, f"H{first}:I{compared}", f"$I{first}")
    set_widths(ws, {1: 12 if compared == total else 26, 2: 9, 3: 9, **{c: 12 for c in range(4, 16)}})
    add_line_chart(
        ws,
        f"{'Q' if partial else 'O'}{HEADER_ROW}",
        title="Daily plan vs actual · total" + (" (plan of the reported series-days)" if partial else ""),
        data_ws=ws,
        columns=[15 if partial else 6, 7, 10, 11],
        header_row=HEADER_ROW,
        first_row=first,
        last_row=last,
        category_column=1,
        styles=[
            (PLAN_COLOUR, "dash"),
            (ACTUAL_COLOUR, None),
            (BAND_COLOUR, "sysDot"),
            (BAND_COLOUR, "sysDot"),
        ],
    )


def _write_daily_rows(ws: Worksheet, data: ReportData, first: int) -> int:
    """The day rows from row ``first``; returns the last row."""
    partial = data.partial
    plan = "O" if partial else "F"  # the plan a variance compares with
    formats = [*_DAILY_FORMATS, *([MONEY, MONEY] if partial else [])]
    for offset, point in enumerate(data.daily_total):
        r = first + offset
        values: list[object] = [
            point.day,
            f"{point.day:%a}",
            "holiday" if point.holiday else None,
            point.promo_share,
            point.closed_share,
            point.plan,
            point.actual,
            f"=G{r}-{plan}{r}" if point.actual is not None else None,
            f'=IF({plan}{r}=0,"",H{r}/ABS({plan}{r}))' if point.actual is not None else None,
            point.lo_80,
            point.hi_80,
            point.lo_95,
            point.hi_95,
        ]
        if partial:
            values += [point.plan_to_come, f'=IF(G{r}="",F{r},F{r}-N{r})']
        for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            ws.cell(row=r, column=column, value=value).number_format = fmt
    return first + len(data.daily_total) - 1


def _write_daily_totals(
    ws: Worksheet, data: ReportData, first: int, last: int, width: int
) -> tuple[int, int]:
    """The total row (and, in a partial month, the like-with-like row the variance compares);
    returns (total row, compared row)."""
    partial = data.partial
    total = last + 1
    ws.cell(row=total, column=1, value="Total")
    for letter in "FGJKLM" + ("N" if partial else ""):
        cell = ws[f"{letter}{total}"]
        cell.value = f"=SUBTOTAL(9,{letter}{first}:{letter}{last})"
        cell.number_format = MONEY
    compared = total
    if partial:
        # Like with like: the variance compares the actuals with the plan of the reported series-days.
        ws.cell(row=total, column=1, value="Total (plan of every day)")
        compared = total + 1
        ws.cell(row=compared, column=1, value=f"{data.scope.label} ({data.scope.counts[0]:,})")
        ws[f"F{compared}"] = f"=F{total}-N{total}"
        ws[f"G{compared}"] = f"=G{total}"
        for letter in "FG":
            ws[f"{letter}{compared}"].number_format = MONEY
        style_total_row(ws, compared, 1, width)
    ws[f"H{compared}"] = f"=G{compared}-F{compared}"
    ws[f"H{compared}"].number_format = MONEY_SIGNED
    ws[f"I{compared}"] = f'=IF(F{compared}=0,"",H{compared}/ABS(F{compared}))'
    ws[f"I{compared}"].number_format = PCT_SIGNED
    style_total_row(ws, total, 1, width)
    return total, compared


def write_level_daily(ws: Worksheet, data: ReportData, subtitle: str) -> None:
    """Days down, members across (plan and actual per member), one chart per member.

    In a partial month a plan cell is the plan of the reported series-days on a day with
    actuals (like with like) and the whole plan on a day without any.
    """
    level = LEVEL_LABELS[data.chart_level or ""]
    unit = data.units.caption
    if data.partial:
        unit += DAILY_PARTIAL
    write_title(ws, f"{data.title} · daily by {level.lower()}", subtitle, unit)
    members = list(data.daily_by_member)
    names = [data.label(data.chart_level or "", member) for member in members]
    headers = ["Day"]
    for name in names:
        headers += [f"{name} plan", f"{name} actual"]
    write_header(ws, HEADER_ROW, headers)
    first = HEADER_ROW + 1
    days = len(data.daily_total)
    for offset in range(days):
        r = first + offset
        ws.cell(row=r, column=1, value=data.daily_total[offset].day).number_format = DATE_FORMAT
        for m, member in enumerate(members):
            point = data.daily_by_member[member][offset]
            ws.cell(row=r, column=2 + 2 * m, value=point.plan_shown).number_format = MONEY
            ws.cell(row=r, column=3 + 2 * m, value=point.actual).number_format = MONEY
    last = first + days - 1
    total = last + 1
    ws.cell(row=total, column=1, value="Total")
    for column in range(2, 2 + 2 * len(members)):
        letter = get_column_letter(column)
        ws.cell(
            row=total, column=column, value=f"=SUBTOTAL(9,{letter}{first}:{letter}{last})"
        ).number_format = MONEY
    style_total_row(ws, total, 1, len(headers))
    ws.freeze_panes = ws.cell(row=first, column=2)
    set_widths(ws, {1: 12, **{c: 14 for c in range(2, len(headers) + 1)}})
    chart_top = total + 3
    for m in range(len(members)):
        row = chart_top + (m // _CHART_COLUMNS) * 20
        column = 1 + (m % _CHART_COLUMNS) * 9
        add_line_chart(
            ws,
            f"{get_column_letter(column)}{row}",
            title=names[m],
            data_ws=ws,
            columns=[2 + 2 * m, 3 + 2 * m],
            header_row=HEADER_ROW,
            first_row=first,
            last_row=last,
            category_column=1,
            styles=[(PLAN_COLOUR, "dash"), (ACTUAL_COLOUR, None)],
            size=(16, 9),
        )


def write_misses(ws: Worksheet, data: ReportData, subtitle: str) -> None:
    """Two ranked lists: largest absolute and largest relative misses, with their flags."""
    write_title(ws, f"{data.title} · largest misses", subtitle, data.units.caption)
    found = [*data.misses_absolute, *data.misses_relative]
    kind = LEVEL_LABELS[found[0].level] if found else "Store"
    headers = [
        "Rank", kind, f"{kind} id", "Day", "Weekday", "Plan", "Actual", "Variance", "Variance %", "Flags"
    ]
    row = HEADER_ROW
    sections = (
        ("Largest absolute misses (|variance|)", data.misses_absolute),
        ("Largest relative misses (|variance %|, material plans only)", data.misses_relative),
    )
    first_table_row = None
    numeric = numeric_ids([m.member for m in found])
    for heading, misses in sections:
        ws.cell(row=row, column=1, value=heading).font = Font(bold=True, size=12)
        row += 1
        write_header(ws, row, headers)
        first_table_row = first_table_row or row + 1
        start = row + 1
        for rank, miss in enumerate(misses, start=1):
            row += 1
            values = [
                rank,
                miss.name,
                int(miss.member) if numeric else miss.member,
                miss.day,
                f"{miss.day:%a}",
                miss.plan,
                miss.actual,
                f"=G{row}-F{row}",
                f'=IF(F{row}=0,"",H{row}/ABS(F{row}))',
                ", ".join(miss.flags),
            ]
            id_format = "0" if numeric else "@"
            formats = ["0", "@", id_format, DATE_FORMAT, "@", MONEY, MONEY, MONEY_SIGNED, PCT_SIGNED, "@"]
            for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
                ws.cell(row=row, column=column, value=value).number_format = fmt
        if misses:
            add_band_formatting(ws, f"H{start}:I{row}", f"$I{start}")
        row += 2
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 2, column=1)  # below the first table's header
    labels = [m.name for m in (*data.misses_absolute, *data.misses_relative)]
    widths = {1: 7, 2: label_width(labels, kind), 3: 10, 4: 12, 5: 9, 6: 12, 7: 12, 8: 12, 9: 11, 10: 28}
    set_widths(ws, widths)


def write_trend(ws: Worksheet, data: ReportData, subtitle: str) -> None:
    """Accuracy of past plans of record by month, with a line chart."""
    write_title(ws, f"{data.title} · accuracy trend (total)", subtitle, "Ratios in % (see About).")
    headers = ["Month", "Plan run", "WAPE", "Bias", "MAPE", "Inside 80%", "Inside 95%"]
    write_header(ws, HEADER_ROW, headers)
    first = HEADER_ROW + 1
    for offset, point in enumerate(data.accuracy_trend):
        r = first + offset
        values = [
            point.month,
            point.run_id,
            point.wape,
            point.bias,
            point.mape,
            point.coverage_80,
            point.coverage_95,
        ]
        formats = ["mmm yyyy", "0", PCT, PCT_SIGNED, PCT, PCT, PCT]
        for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            cell = ws.cell(row=r, column=column, value=value)
            cell.number_format = fmt
            cell.alignment = Alignment(horizontal="left") if column == 1 else Alignment()
            if point.month == data.month:
                cell.font = Font(bold=True)
    last = first + len(data.accuracy_trend) - 1
    ws.freeze_panes = ws.cell(row=first, column=2)
    ws.auto_filter.ref = f"A{HEADER_ROW}:G{last}"
    set_widths(ws, {1: 12, **{c: 12 for c in range(2, 8)}})
    add_line_chart(
        ws,
        f"I{HEADER_ROW}",
        title="Accuracy of the plan of record",
        data_ws=ws,
        columns=[3, 4],
        header_row=HEADER_ROW,
        first_row=first,
        last_row=last,
        category_column=1,
        number_format="0%",
        category_format="mmm yy",
        styles=[(ACTUAL_COLOUR, None), ("C55A11", "dash")],
        markers=True,
        size=(18, 8),
    )
    add_line_chart(
        ws,
        f"I{HEADER_ROW + 17}",
        title="Interval coverage (target 80% / 95%)",
        data_ws=ws,
        columns=[6, 7],
        header_row=HEADER_ROW,
        first_row=first,
        last_row=last,
        category_column=1,
        number_format="0%",
        category_format="mmm yy",
        styles=[(ACTUAL_COLOUR, None), (PLAN_COLOUR, None)],
        markers=True,
        size=(18, 8),
    )
