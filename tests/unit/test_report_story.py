"""The report's story on in-memory data: the bridge, the narrative's rules, units and returns
(pure functions of reports/, checked against hand-computed values)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports import render_files
from reports.bridge import axis_floor, build_bridge
from reports.charts import waterfall_chart
from reports.html import money, render_html
from reports.model import AccuracyPoint, Figures, MemberRow, Units
from reports.narrative import bias_streak, contributors, narrative
from support.report_sample import sample_report_data


def _rows(variances: dict[str, float], plan: float = 1000.0) -> list[MemberRow]:
    return [
        MemberRow("group", m, Figures(plan=plan, actual=plan + v), label=f"Group {m.upper()}")
        for m, v in variances.items()
    ]


def test_bridge_names_the_largest_and_sums_the_rest_exactly() -> None:
    rows = _rows({"a": 30.0, "b": -50.0, "c": 5.0, "d": -1.0, "e": 2.0, "f": 0.5})
    bridge = build_bridge(rows, "group", top=3)
    # the biggest driver first whatever its sign (outsider test 1: signed order put it last)
    assert [s.label for s in bridge.steps] == ["Group B", "Group A", "Group C", "Other 3 product groups"]
    assert bridge.steps[-1].members == ("e", "d", "f") and bridge.steps[-1].variance == pytest.approx(1.5)
    assert sum(s.variance for s in bridge.steps) == pytest.approx(bridge.variance) == pytest.approx(-13.5)
    assert bridge.running()[0] == (6000.0, 5950.0) and bridge.running()[-1][1] == pytest.approx(bridge.actual)
    # one left-over member is named, not hidden as "other (1)"
    assert not any(s.is_other for s in build_bridge(rows, "group", top=5).steps)
    assert 0 < axis_floor(bridge) < min(end for _, end in bridge.running())
    with pytest.raises(ValueError, match="bad bridge size"):
        build_bridge(rows, "group", top=0)


def test_contributors_rank_by_variance_with_their_share() -> None:
    up, down = contributors(_rows({"a": 30.0, "b": -50.0, "c": 5.0, "d": -1.0, "e": 20.0}), 4.0)
    assert [(c.member, c.share) for c in up] == [("a", 7.5), ("e", 5.0), ("c", 1.25)]
    assert [(c.member, c.share) for c in down] == [("b", -12.5), ("d", -0.25)]
    assert contributors(_rows({"a": 1.0, "b": -1.0}), 0.0)[0][0].share is None


def _trend(*biases: float, last: date = date(2015, 7, 1)) -> list[AccuracyPoint]:
    months = [date(2015, last.month - k, 1) for k in range(len(biases) - 1, -1, -1)]
    return [AccuracyPoint(m, 1, 0.1, b, 0.1, 0.8, 0.95) for m, b in zip(months, biases, strict=True)]


def test_bias_persists_only_in_one_direction_outside_the_band() -> None:
    data = sample_report_data(stores=6, days=31)
    month = data.summary.month
    high = dataclasses.replace(month, actual=month.plan * 1.05, abs_error=month.plan * 0.1)
    persistent = dataclasses.replace(
        data,
        accuracy_trend=_trend(0.01, 0.03, 0.04, 0.05, 0.06),
        summary=dataclasses.replace(data.summary, month=high),
    )
    direction, run = bias_streak(persistent)
    assert direction == "low" and [m.month for m, _ in run] == [4, 5, 6, 7]  # May..June plus the month
    assert narrative(persistent)[-1].startswith("Persistent bias: the plan has been too low")
    broken = dataclasses.replace(persistent, accuracy_trend=_trend(0.04, -0.03, 0.05, 0.06))
    assert len(bias_streak(broken)[1]) == 2 and narrative(broken)[-1].startswith("No persistent bias")
    short = dataclasses.replace(persistent, accuracy_trend=_trend(0.05))
    assert narrative(short)[-1].startswith("Too little history")


def test_units_label_and_scale_amounts() -> None:
    assert Units().label == "source units" and Units("EUR", True).label == "EUR thousands"
    assert Units("EUR").amount(-1234567.4) == "EUR \u22121,234,567"
    assert Units("EUR", True).amount(1234567.0, signed=True) == "EUR +1,234.6 thousand"
    assert (
        money(1234567.891, scale=1000) == "1,234.6" and money(-1500.0, cents=True, scale=1000) == "\u22121.50"
    )


def test_thousands_scale_the_display_but_not_the_cells(tmp_path: Path) -> None:
    data = dataclasses.replace(sample_report_data(stores=8, days=31), units=Units("EUR", thousands=True))
    path = render_files(data, tmp_path, ["xlsx"])[0]
    wb = load_workbook(path)
    ws = wb["Store type"]
    assert ws["B5"].number_format == "#,##0.0," and ws["B5"].value == pytest.approx(
        data.levels["store_type"][0].figures.plan
    )
    assert ws["A3"].value.startswith("Amounts in EUR thousands")
    assert wb["Daily"]._charts[0].y_axis.numFmt.formatCode == "#,##0.0,"
    page = render_html(data)
    assert money(data.summary.month.plan, cents=True, scale=1000) in page and "EUR thousands" in page


def test_returns_use_the_gross_actual_in_both_formats(tmp_path: Path) -> None:
    data = sample_report_data(stores=8, days=31)
    net = MemberRow(
        "store", "99", Figures(plan=-10.0, actual=-15.0, abs_error=5.0, returns=15.0), label="Store 99"
    )
    assert (net.figures.variance_pct, net.figures.gross_actual, net.figures.wape) == (-0.5, 15.0, 5.0 / 15.0)
    levels = {**data.levels, "store_type": [net, *data.levels["store_type"]]}
    data = dataclasses.replace(data, levels=levels)
    ws = load_workbook(render_files(data, tmp_path, ["xlsx"])[0])["Store type"]
    assert ws["E5"].value == '=IF(B5=0,"",D5/ABS(B5))'
    assert ws["G5"].value == '=IF((C5+2*15.0)=0,"",F5/(C5+2*15.0))'
    table = re.search(r'id="level-store_type">.*?</table>', render_html(data), re.S).group(0)
    row = re.search(r'<tr><td class="label" data-v="Store 99">.*?</tr>', table).group(0)
    assert "\u221250.0%" in row and "33.3%" in row


def test_waterfall_svg_draws_every_step_and_escapes_labels() -> None:
    steps = [("Plan", 0.0, 100.0, "total"), ("a<b", 100.0, 120.0, "up"), ("c", 120.0, 90.0, "down"),
             ("Actual", 0.0, 90.0, "total")]  # fmt: skip
    svg = waterfall_chart(steps, title="Bridge & co", floor=50.0)
    assert svg.count('class="wf-up"') == 1 and svg.count('class="wf-down"') == 1
    assert svg.count('class="wf-total"') == 2 and svg.count('class="wf-link"') == 3
    assert "a&lt;b" in svg and "Bridge &amp; co" in svg


def test_a_zero_sales_day_without_flags_is_called_so() -> None:
    data = sample_report_data(stores=6, days=31)
    first = data.misses_absolute[0]
    data.misses_absolute[0] = dataclasses.replace(
        first, actual=0.0, promo_share=0.0, closed_share=0.0, holiday=False
    )
    sentence = next(s for s in narrative(data) if s.startswith("The largest single-day miss"))
    assert sentence.endswith(
        "; zero sales, not flagged closed, promo or holiday (a closure or a missing report?)."
    )
    data.misses_absolute[0] = dataclasses.replace(first, closed_share=1.0)
    assert "flagged closed" in next(s for s in narrative(data) if s.startswith("The largest single-day miss"))


def test_a_member_with_one_store_says_one_store(tmp_path: Path) -> None:
    data = sample_report_data(stores=5, days=31)  # store types a, b, c, d, a: three with one store
    counts = {m: len(stores) for m, stores in data.drill.items()}
    assert sorted(counts.values()) == [1, 1, 1, 2]
    page = render_html(data)
    assert "· 1 store" in page and "1 stores" not in page and "· 2 stores" in page
    xlsx = render_files(data, tmp_path, ["xlsx"])[0]
    texts = [c.value for row in load_workbook(xlsx)["Stores by store type"].iter_rows() for c in row]
    assert texts.count("1 store") == 3 and "2 stores" in texts and "1 stores" not in texts
