"""Completeness per series-day: a store that has not reported its last days makes the month
partial (outsider test 1, blocker). Refused without --allow-partial; with it, every figure
compares like with like. Checked against an independent computation from the dataset's facts.

September of tests/support/report_dataset: store 702 reported nothing from the 21st; series
704 · dep_17 is sparse (no row on three days its store reported: it sold nothing).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import psycopg
import pytest
from openpyxl import load_workbook

from planfact.config import Settings
from planfact.errors import PlanfactError
from planfact.reporting.data import load_report_data
from planfact.reporting.month import render_month_report
from reports.bridge import build_bridge
from reports.narrative import narrative
from support.cli_run import database_env, run_cli
from support.report_dataset import (
    JULY,
    SEPTEMBER,
    SEPTEMBER_GAP,
    SPARSE,
    Fact,
    facts,
    load_known_dataset,
    series_id,
    store_label,
)

GAP_STORE, GAP_FROM = SEPTEMBER_GAP


@pytest.fixture(scope="session")
def libreoffice() -> str:
    from support.office import ensure_tool

    return ensure_tool("libreoffice", "libreoffice-calc")


@pytest.fixture
def known(conn: psycopg.Connection) -> dict[str, int]:
    return load_known_dataset(conn, september=True)


def _reported(month_facts: list[Fact]) -> set[tuple[str, object]]:
    """(store, day) pairs with at least one actual: the store reported that day."""
    return {(f.store, f.day) for f in month_facts if f.actual is not None}


def _expected() -> dict[str, object]:
    """The like-for-like figures of September, computed from the facts alone."""
    sept = facts(SEPTEMBER)
    reported = _reported(sept)
    counted = [f for f in sept if (f.store, f.day) in reported]
    by_store: dict[str, float] = defaultdict(float)
    by_group: dict[str, float] = defaultdict(float)
    by_day: dict[object, float] = defaultdict(float)
    for f in counted:
        variance = (f.actual or 0.0) - f.plan  # a sparse series without a row sold nothing
        by_store[f.store] += variance
        by_group[f.group] += variance
        by_day[f.day] += variance
    plan = sum(f.plan for f in counted)
    actual = sum(f.actual or 0.0 for f in counted)
    with_actual = [f for f in counted if f.actual is not None]
    abs_error = sum(abs(f.actual - f.plan) for f in with_actual)  # type: ignore[operator]
    returns = -sum(f.actual for f in with_actual if f.actual < 0)  # type: ignore[operator,misc]
    return {
        "plan": plan,
        "actual": actual,
        "to_come": sum(f.plan for f in sept if (f.store, f.day) not in reported),
        "unreported": [f for f in sept if (f.store, f.day) not in reported],
        "wape": abs_error / (actual + 2 * returns),
        "by_store": dict(by_store),
        "by_group": dict(by_group),
        "by_day": dict(by_day),
    }


def test_a_store_missing_its_last_days_is_refused_naming_the_series_days(
    known, db_url: str, tmp_path: Path
) -> None:
    unreported = _expected()["unreported"]
    assert len(unreported) == 3 * (30 - GAP_FROM + 1)  # three groups of store 702, 21..30
    with database_env(db_url):
        done = run_cli("report", "month", "2015-09", "--out", str(tmp_path))
    assert done.code == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert (
        f"incomplete actuals for 2015-09: {len(unreported)} of {5 * 3 * 30} series-days have no actuals "
        f"yet (store {GAP_STORE} 2015-09-{GAP_FROM}…2015-09-30); load them, or pass --allow-partial"
    ) in done.stderr
    assert not list(tmp_path.iterdir())


def test_partial_store_month_compares_like_with_like_everywhere(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    want = _expected()
    data = load_report_data(conn, SEPTEMBER, tolerance=0.02, allow_partial=True)
    month = data.summary.month
    assert (month.plan, month.actual) == pytest.approx((want["plan"], want["actual"]), abs=0.005)
    assert data.plan_to_come == pytest.approx(want["to_come"], abs=0.005)
    assert month.wape == pytest.approx(want["wape"])
    assert not data.missing_days  # every day has actuals of some store
    assert [(u.store, u.days[0].day, u.days[-1].day, u.series_days) for u in data.unreported] == [
        (GAP_STORE, GAP_FROM, 30, 30)
    ]
    # breakdowns: each member compares its reported series-days only
    assert {r.member: r.figures.variance for r in data.levels["store"]} == pytest.approx(
        want["by_store"], abs=0.005
    )
    assert {r.member: r.figures.variance for r in data.levels["group"]} == pytest.approx(
        want["by_group"], abs=0.005
    )
    sparse = next(r for r in data.levels["series"] if r.member == str(series_id(*SPARSE[0])))
    sparse_facts = [f for f in facts(SEPTEMBER) if (f.store, f.group) == SPARSE[0]]
    assert sparse.figures.plan == pytest.approx(sum(f.plan for f in sparse_facts), abs=0.005)
    # daily: the variance of a day leaves out the plan of the stores that did not report it
    assert {p.day: p.variance for p in data.daily_total} == pytest.approx(want["by_day"], abs=0.005)
    # year to date and the accuracy trend use the same like-for-like figures
    assert data.summary.year_to_date.plan == pytest.approx(
        sum(f.plan for m in (4, 5, 6, 7) for f in facts(JULY.replace(month=m)))
        + sum(f.plan for f in facts(JULY.replace(month=8)) if f.actual is not None)
        + want["plan"],
        abs=0.01,
    )
    point = next(p for p in data.accuracy_trend if p.month == SEPTEMBER)
    assert (point.wape, point.bias) == pytest.approx((month.wape, month.bias))
    # the bridge and the narrative tell the same like-for-like story
    bridge = build_bridge(data.levels["store"], "store")
    assert bridge.plan == pytest.approx(want["plan"], abs=0.005)
    assert sum(s.variance for s in bridge.steps) == pytest.approx(month.variance, abs=0.005)
    gap = store_label(GAP_STORE)
    assert data.headline.startswith(f"Over the {5 * 30 - 10} of {5 * 30} store-days with actuals, ")
    assert f"the plan of the other 10 store-days (not yet reported: {gap} {GAP_FROM}–30 Sep)" in data.headline
    assert narrative(data)[0].startswith(f"The total variance over the {5 * 30 - 10} of {5 * 30} store-days")

    xlsx, html = render_month_report(settings, SEPTEMBER, out_dir=tmp_path, allow_partial=True)
    page = html.read_text(encoding="utf-8")
    assert data.headline in page and f"not yet reported: {gap} {GAP_FROM}–30 Sep" in page
    assert "Plan still to come (10 store-days)" in page
    wb = load_workbook(xlsx)
    summary = wb["Summary"]
    plan_row = next(r for r in range(1, 80) if summary[f"A{r}"].value == "Plan")
    assert summary[f"B{plan_row}"].value == pytest.approx(want["plan"], abs=0.005)
    to_come = next(r for r in range(1, 80) if summary[f"A{r}"].value == "Plan still to come (10 store-days)")
    assert summary[f"B{to_come}"].value == pytest.approx(want["to_come"], abs=0.005)
    daily = wb["Daily"]
    assert daily["N4"].value == "Plan not yet reported" and daily["O4"].value == "Plan compared"
    late = 4 + GAP_FROM  # the row of the first unreported day
    assert daily[f"H{late}"].value == f"=G{late}-O{late}"
    assert daily[f"N{late}"].value == pytest.approx(
        sum(f.plan for f in want["unreported"] if f.day.day == GAP_FROM), abs=0.005
    )


@pytest.mark.slow
def test_partial_store_month_daily_sheet_recalculates_like_with_like(
    known, settings: Settings, tmp_path: Path, libreoffice: str
) -> None:
    from support.office import recalculate

    want = _expected()
    path = render_month_report(settings, SEPTEMBER, out_dir=tmp_path, formats=["xlsx"], allow_partial=True)[0]
    ws = load_workbook(recalculate(libreoffice, path, tmp_path), data_only=True)["Daily"]
    row = next(r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "Store-days with actuals (140)")
    got = (ws[f"F{row}"].value, ws[f"G{row}"].value)
    assert got == pytest.approx((want["plan"], want["actual"]), abs=0.005)
    days = {ws[f"A{r}"].value.date(): ws[f"H{r}"].value for r in range(5, 35)}
    assert days == pytest.approx(want["by_day"], abs=0.005)


def test_a_complete_month_is_not_partial_and_the_trend_is_the_summary(known, conn) -> None:
    """One WAPE per report: the accuracy trend's point of the month is the summary's figure
    (series-day errors over the gross actual), not the WAPE of the daily totals."""
    data = load_report_data(conn, JULY, tolerance=0.02)
    assert not data.partial and not data.unreported and data.plan_to_come == 0
    july = facts(JULY)
    abs_error = sum(abs(f.actual - f.plan) for f in july if f.actual is not None)
    gross = sum(abs(f.actual) for f in july if f.actual is not None)
    point = next(p for p in data.accuracy_trend if p.month == JULY)
    assert point.wape == pytest.approx(abs_error / gross) == pytest.approx(data.summary.month.wape)
    assert point.bias == pytest.approx(data.summary.month.bias)
    previous = facts(JULY.replace(month=6))
    assert data.summary.previous is not None
    assert data.summary.previous.wape == pytest.approx(
        sum(abs(f.actual - f.plan) for f in previous) / sum(abs(f.actual) for f in previous)
    )
    with pytest.raises(PlanfactError, match="incomplete actuals for 2015-09"):
        load_report_data(conn, SEPTEMBER, tolerance=0.02)
