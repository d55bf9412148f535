"""Report renderers on an in-memory ReportData (no database): Excel structure and formulas,
HTML self-containment, escaping and colouring, SVG charts, and the small pure helpers."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports import render_files
from reports.charts import Line, line_chart, nice_ticks
from reports.definitions import MEASURES
from reports.html import money, percent, render_html
from reports.model import Figures, MemberRow, band, ratio
from support.report_sample import sample_report_data

FORMULA_CELL = re.compile(r"^([A-Z]+)(\d+)$")


@pytest.fixture(scope="module")
def data():
    return sample_report_data(stores=12, days=31)


@pytest.fixture(scope="module")
def workbook_path(data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx")
    return render_files(data, out, ["xlsx"])[0]


def _evaluate(ws, ref: str, depth: int = 0):
    """A tiny evaluator for the formula shapes the report writes (enough to audit them here)."""
    value = ws[ref].value
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    formula = value[1:]
    if m := re.fullmatch(r"SUBTOTAL\(9,([A-Z]+)(\d+):([A-Z]+)(\d+)\)", formula):
        col, lo, hi = m.group(1), int(m.group(2)), int(m.group(4))
        total = 0.0
        for row in range(lo, hi + 1):
            raw = ws[f"{col}{row}"].value
            if isinstance(raw, str) and raw.startswith("=SUBTOTAL"):
                continue  # SUBTOTAL ignores nested SUBTOTALs
            got = _evaluate(ws, f"{col}{row}", depth + 1)
            total += got if isinstance(got, int | float) else 0.0
        return total
    if m := re.fullmatch(
        r"SUMPRODUCT\(EXACT\(\$A\$(\d+):\$A\$(\d+),\$A(\d+)\)\*([A-Z]+)\$\d+:[A-Z]+\$\d+\)", formula
    ):
        lo, hi, key, col = int(m.group(1)), int(m.group(2)), ws[f"A{m.group(3)}"].value, m.group(4)
        return sum(ws[f"{col}{r}"].value or 0.0 for r in range(lo, hi + 1) if ws[f"A{r}"].value == key)
    if m := re.fullmatch(r'IF\(([A-Z]+\d+)=0,"",([A-Z]+\d+)/([A-Z]+\d+)\)', formula):
        den = _evaluate(ws, m.group(1), depth + 1)
        return "" if den == 0 else _evaluate(ws, m.group(2), depth + 1) / den
    if m := re.fullmatch(r'IF\(([A-Z]+\d+)=0,"",([A-Z]+\d+)/ABS\(([A-Z]+\d+)\)\)', formula):
        den = _evaluate(ws, m.group(1), depth + 1)  # variance % divides by |plan|
        return "" if den == 0 else _evaluate(ws, m.group(2), depth + 1) / abs(den)
    if m := re.fullmatch(r"([A-Z]+\d+)-([A-Z]+\d+)", formula):
        return _evaluate(ws, m.group(1), depth + 1) - _evaluate(ws, m.group(2), depth + 1)
    if m := re.fullmatch(r"\(([A-Z]+\d+)-([A-Z]+\d+)\)\*100", formula):
        return (_evaluate(ws, m.group(1), depth + 1) - _evaluate(ws, m.group(2), depth + 1)) * 100
    raise AssertionError(f"unexpected formula {value!r} in {ws.title}!{ref}")


def _row_of(ws, label: str, column: str = "A") -> int:
    for row in range(1, ws.max_row + 1):
        if ws[f"{column}{row}"].value == label:
            return row
    raise AssertionError(f"{label!r} not found in column {column} of {ws.title}")


def test_workbook_has_every_sheet_with_frozen_headers(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    assert wb.sheetnames == [
        "Summary",
        "Bridge",
        "Store type",
        "Assortment",
        "State",
        "Stores by store type",
        "Daily",
        "Daily by store type",
        "Largest misses",
        "Accuracy trend",
        "About",
    ]
    for name in ("Store type", "Stores by store type", "Daily", "Accuracy trend"):
        assert wb[name].freeze_panes is not None, name
        assert wb[name].auto_filter.ref, name
    assert "Tolerance" in wb.defined_names
    row = _row_of(wb["Summary"], "Tolerance band (±)")
    assert wb.defined_names["Tolerance"].attr_text == f"'Summary'!$B${row}"
    assert wb["Summary"][f"B{row}"].value == pytest.approx(0.02)


def test_summary_formulas_equal_the_model(workbook_path: Path, data) -> None:
    ws = load_workbook(workbook_path)["Summary"]
    month = data.summary.month
    expected = {
        "Plan": month.plan,
        "Actual": month.actual,
        "Variance": month.variance,
        "Variance %": month.variance_pct,
        "Absolute error": month.abs_error,
        "WAPE": month.wape,
        "Bias": month.bias,
        "Inside 80%": month.coverage_80,
    }
    for name, value in expected.items():
        row = _row_of(ws, name)
        assert _evaluate(ws, f"B{row}") == pytest.approx(value), name
    assert ws[f"B{_row_of(ws, 'Variance')}"].value.startswith("=")
    row = _row_of(ws, "Variance %")
    assert _evaluate(ws, f"D{row}") == pytest.approx(
        (month.variance_pct - data.summary.previous.variance_pct) * 100
    )
    ytd = data.summary.year_to_date
    assert _evaluate(ws, f"E{_row_of(ws, 'Variance')}") == pytest.approx(ytd.actual - ytd.plan)


def test_level_sheet_formulas_number_formats_and_bands(workbook_path: Path, data) -> None:
    ws = load_workbook(workbook_path)["Store type"]
    rows = data.levels["store_type"]
    assert [ws[f"A{5 + i}"].value for i in range(len(rows))] == [r.label for r in rows]
    assert all(ws[f"A{5 + i}"].data_type == "s" for i in range(len(rows)))  # labels are text cells
    for i, member in enumerate(rows):
        r = 5 + i
        assert ws[f"D{r}"].value == f"=C{r}-B{r}"
        assert ws[f"E{r}"].value == f'=IF(B{r}=0,"",D{r}/ABS(B{r}))'
        assert _evaluate(ws, f"E{r}") == pytest.approx(member.figures.variance_pct)
        assert _evaluate(ws, f"G{r}") == pytest.approx(member.figures.wape)
        assert ws[f"B{r}"].number_format == "#,##0"
        assert ws[f"E{r}"].number_format.startswith("+0.0%")
    total = 5 + len(rows)
    assert ws[f"A{total}"].value == "Total"
    assert ws[f"B{total}"].value == f"=SUBTOTAL(9,B5:B{total - 1})"
    assert _evaluate(ws, f"B{total}") == pytest.approx(data.summary.month.plan)
    assert _evaluate(ws, f"D{total}") == pytest.approx(data.summary.month.variance)
    assert ws.auto_filter.ref == f"A4:J{total - 1}"  # the total row stays out of sorting and filtering
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    formulas = " ".join(rule.formula[0] for rule in rules)
    assert ">Tolerance" in formulas and "<-Tolerance" in formulas and "<=Tolerance" in formulas
    fills = {rule.dxf.fill.fgColor.rgb for rule in rules}
    assert len(fills) == 3  # over, under and neutral differ


def test_drill_sheet_sorts_safely_and_sums_each_member(workbook_path: Path, data) -> None:
    """No subtotal row inside the filter range (outsider test 1: sorting scrambled them): the
    members' sums sit above the store table and read it by member name, so they survive a sort."""
    ws = load_workbook(workbook_path)["Stores by store type"]
    members = list(data.drill.items())
    header = _row_of(ws, "Store", "B")
    first, last = header + 1, header + sum(len(stores) for _m, stores in members)
    assert ws.auto_filter.ref == f"A{header}:L{last}"
    raws = [ws[f"{c}{r}"].value for r in range(first, last + 1) for c in "DEFGHIJKL"]
    assert not any(isinstance(v, str) and ("SUBTOTAL" in v or "SUMPRODUCT" in v) for v in raws)
    stores = [s for _m, group in members for s in group]
    assert [ws[f"B{r}"].value for r in range(first, last + 1)] == [s.label for s in stores]
    assert [ws[f"C{r}"].value for r in range(first, last + 1)] == [int(s.member) for s in stores]
    names = [ws[f"A{r}"].value for r in range(first, last + 1)]
    for offset, (member, group) in enumerate(members):
        row = 5 + offset
        name = data.label("store_type", member)
        assert ws[f"A{row}"].value == name
        assert ws[f"B{row}"].value == f"{len(group)} store{'s' if len(group) != 1 else ''}"
        formula = ws[f"D{row}"].value
        assert formula == f"=SUMPRODUCT(EXACT($A${first}:$A${last},$A{row})*D${first}:D${last})"
        got = sum(ws[f"D{r}"].value for r, n in zip(range(first, last + 1), names, strict=True) if n == name)
        assert got == pytest.approx(sum(s.figures.plan for s in group))
        assert _evaluate(ws, f"F{row}") == pytest.approx(sum(s.figures.variance or 0.0 for s in group))
    total = last + 1
    assert ws[f"A{total}"].value == "Total"
    assert _evaluate(ws, f"D{total}") == pytest.approx(data.summary.month.plan)  # no double counting
    assert _evaluate(ws, f"E{total}") == pytest.approx(data.summary.month.actual)


def test_charts_daily_misses_and_about(workbook_path: Path, data) -> None:
    wb = load_workbook(workbook_path)
    daily = wb["Daily"]
    total = _row_of(daily, "Total")
    assert total == 5 + len(data.daily_total)
    assert _evaluate(daily, f"F{total}") == pytest.approx(sum(p.plan for p in data.daily_total))
    assert _evaluate(daily, f"I{total}") == pytest.approx(data.summary.month.variance_pct)
    assert len(daily._charts) == 1
    assert len(wb["Daily by store type"]._charts) == len(data.daily_by_member)
    assert len(wb["Accuracy trend"]._charts) == 2
    misses = wb["Largest misses"]
    first = data.misses_absolute[0]
    assert (misses["B6"].value, misses["C6"].value) == (first.label, int(first.member))  # ids as numbers
    assert misses["C6"].number_format == "0"
    assert misses["F6"].value == pytest.approx(first.plan)
    assert _evaluate(misses, "H6") == pytest.approx(first.variance)
    about = wb["About"]
    texts = {cell.value for row in about.iter_rows() for cell in row if cell.value is not None}
    assert {name for name, _ in MEASURES} <= texts
    assert data.lineage.plan_run_id in texts and data.lineage.actuals_data_version in texts


def test_html_is_self_contained_and_shows_the_same_numbers(data) -> None:
    page = render_html(data)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "<script src" not in page and "@import" not in page
    assert page.count("<svg") == 1 + 1 + len(data.daily_by_member) + 1  # bridge, daily, members, trend
    assert "position: sticky" in page and "@media print" in page
    assert money(data.summary.month.plan, cents=True) in page
    assert percent(data.summary.month.variance_pct, signed=True) in page
    for member in data.levels["store_type"]:
        assert money(member.figures.plan) in page
    for name, _ in MEASURES:
        assert name.replace("&", "&amp;") in page
    assert data.headline in page
    daily = re.search(r'<table class="sortable" id="daily-total">.*?</table>', page, re.S).group(0)
    assert daily.count("<tr>") == 1 + len(data.daily_total)


def test_html_escapes_member_names_and_recolours_with_the_tolerance(data) -> None:
    evil = "<script>alert(1)</script>"
    rows = [
        dataclasses.replace(r, member=evil if i == 0 else r.member, label=evil if i == 0 else r.label)
        for i, r in enumerate(data.levels["store_type"])
    ]
    page = render_html(dataclasses.replace(data, levels={**data.levels, "store_type": rows}))
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def level_table(page: str) -> str:
        return re.search(r'<table class="sortable" id="level-store_type">.*?</table>', page, re.S).group(0)

    wide = level_table(render_html(dataclasses.replace(data, tolerance=0.5)))
    assert 'class="num over"' not in wide and 'class="num under"' not in wide and "num neutral" in wide
    narrow = level_table(render_html(dataclasses.replace(data, tolerance=0.0001)))
    assert 'class="num over"' in narrow and 'class="num under"' in narrow


def test_band_ratio_and_figures() -> None:
    assert band(0.021, 0.02) == "over" and band(-0.021, 0.02) == "under"
    assert band(0.02, 0.02) == "neutral" and band(None, 0.02) == "none"
    assert ratio(1.0, 0.0) is None and ratio(None, 2.0) is None and ratio(1.0, 4.0) == 0.25
    fig = Figures(plan=200.0, actual=150.0, abs_error=70.0)
    assert (fig.variance, fig.variance_pct, fig.wape, fig.bias) == (-50.0, -0.25, 70 / 150, -50 / 150)
    assert Figures(plan=0.0, actual=None).variance_pct is None
    assert MemberRow("store", "1", fig).parent is None


def test_formatting_helpers() -> None:
    assert money(1234567.891) == "1,234,568" and money(-1234.5, cents=True) == "\u22121,234.50"
    assert money(12.0, signed=True) == "+12" and money(None) == "–" and money(-0.2) == "0"
    assert percent(0.1234) == "12.3%" and percent(-0.05, signed=True) == "\u22125.0%"
    assert percent(0.00001, signed=True) == "0.0%"


def test_charts_cover_the_range_and_escape_labels() -> None:
    ticks = nice_ticks(12.0, 987.0)
    assert ticks[0] <= 12.0 and ticks[-1] >= 987.0 and len(ticks) <= 8
    svg = line_chart(["1", "2", "3"], [Line("a<b", [1.0, None, 3.0], "#000")], title="x & y")
    assert "a&lt;b" in svg and "x &amp; y" in svg and svg.startswith("<svg")
    assert "<path" not in svg and svg.count("<circle") == 2  # a gap leaves two lone points, drawn as dots
    single = line_chart(["Jul"], [Line("WAPE", [0.1], "#000")], title="t")
    assert "<circle" in single


def test_formats_are_validated(tmp_path: Path, data) -> None:
    with pytest.raises(ValueError, match="bad report format pdf"):
        render_files(data, tmp_path, ["pdf"])
    paths = render_files(data, tmp_path, ["html", "xlsx"])
    assert [p.name for p in paths] == ["plan_fact_2015-07.html", "plan_fact_2015-07.xlsx"]


def test_discontinued_series_are_named_in_html_and_excel(data, tmp_path: Path) -> None:
    from datetime import date

    from reports.discontinued import Discontinued, DiscontinuedSeries

    left_out = Discontinued(28, (
        DiscontinuedSeries("41", "Store 7 · Quito · BOOKS", date(2015, 5, 2)),
        DiscontinuedSeries("42", "Store 8 · Cuenca · BABY CARE", date(2015, 4, 30), 123.5),
    ))
    with_notes = dataclasses.replace(data, discontinued=left_out)
    note = left_out.note()
    assert note == (
        "Not planned: 2 discontinued series (no actuals in the 28 days before the plan was made): "
        "Store 7 · Quito · BOOKS (last actual 02 May 2015), Store 8 · Cuenca · BABY CARE (last actual "
        "30 Apr 2015). 1 of them reported sales this month anyway (123.50), counted against a plan of 0."
    )
    page = render_html(with_notes)
    shown = re.search(r'<p class="discontinued" id="discontinued">(.*?)</p>', page, re.S)
    assert shown is not None and shown.group(1) == note
    assert 'id="discontinued"' not in render_html(data)  # nothing to say: no note
    path = render_files(with_notes, tmp_path, ["xlsx"])[0]
    wb = load_workbook(path)
    ws = wb["Summary"]
    assert ws[f"B{_row_of(ws, 'Discontinued')}"].value == note
    # the table moved down one row and its formulas still hold; the tolerance cell is still named
    assert _evaluate(ws, f"B{_row_of(ws, 'Plan')}") == pytest.approx(data.summary.month.plan)
    assert ws[f"B{_row_of(ws, 'Tolerance band (±)')}"].value == data.tolerance
    about = wb["About"]
    assert "Store 8 · Cuenca · BABY CARE" in str(about[f"B{_row_of(about, 'Not planned')}"].value)
