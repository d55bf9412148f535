"""Discontinued series: a series with no actual in the ``discontinued_days`` days up to the cutoff
is not planned; the run records it with its last actual (forecast.run_excluded_series), its
summary and ``planfact runs show`` say so, and a series that paused for less is planned as usual.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import psycopg

from planfact.actuals import load_actuals
from planfact.config import Settings
from planfact.runs import reproduce_run, run_month
from support.cli_run import database_env, run_cli
from support.run_data import EXPERIMENTS, FIRST_DAY, STORES, rossmann_frame, write_rossmann

JULY = dt.date(2015, 7, 1)
STOPPED = {6: dt.date(2015, 5, 20), 5: dt.date(2015, 6, 10)}  # store -> its last actual


def _load(conn: psycopg.Connection, folder: Path) -> dict[int, int]:
    """History to June 2015; store 6 stops on 20 May (41 days before the cutoff), store 5 on
    10 June (20 days). Returns store -> series_id."""
    frame = rossmann_frame(FIRST_DAY, dt.date(2015, 6, 30))
    days = pd.to_datetime(frame["Date"]).dt.date
    for store, last in STOPPED.items():
        frame = frame.loc[~((frame["Store"] == store) & (days > last))]
        days = pd.to_datetime(frame["Date"]).dt.date
    result = load_actuals(conn, write_rossmann(frame, folder / "train.csv"), new_series=True)
    assert result.version_id is not None, result.message
    rows = conn.execute("select store_id, series_id from core.series").fetchall()
    conn.commit()  # no transaction left open: later loads on this connection commit on their own
    return {int(store): int(series) for store, series in rows}


def test_a_discontinued_series_is_not_planned_and_the_run_says_so(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    series = _load(conn, tmp_path)
    outcome = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    assert outcome.status == "succeeded"
    planned = {r[0] for r in conn.execute(
        "select distinct series_id from forecast.forecast_value where run_id = %s", (outcome.run_id,))}
    assert planned == {series[s] for s in range(1, STORES)}  # store 5 (20 days quiet) is planned
    excluded = conn.execute(
        "select series_id, reason, last_actual_date from forecast.run_excluded_series where run_id = %s",
        (outcome.run_id,)).fetchall()
    assert excluded == [(series[6], "discontinued", STOPPED[6])]
    metrics, params = conn.execute("select metrics, params from forecast.run where run_id = %s",
                                   (outcome.run_id,)).fetchone() or ({}, {})
    assert metrics["discontinued"] == 1 and metrics["series"] == STORES - 1
    assert params["discontinued_days"] == 28 and metrics["discontinued_days"] == 28
    assert "not planned: 1 discontinued series (no actuals in the 28 days up to the cutoff" in outcome.summary
    with database_env(settings.database_url or ""):
        shown = run_cli("runs", "show", str(outcome.run_id))
    assert shown.code == 0, shown.stderr
    assert "not planned: 1 discontinued series (no actuals in the 28 days up to the cutoff): " \
           f"Store 6 (last actual {STOPPED[6]})" in shown.stdout
    # The run reproduces on the same series (the left-out ones stay out).
    reproduced = reproduce_run(settings, outcome.run_id, progress=False)
    assert reproduced.mismatches == 0 and reproduced.missing == 0 and reproduced.compared == (STORES - 1) * 31


def test_the_setting_decides_and_a_run_with_another_setting_is_not_reused(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    series = _load(conn, tmp_path)
    strict = settings.model_copy(update={"discontinued_days": 14})
    first = run_month(strict, "2015-07", experiments=EXPERIMENTS, progress=False, kind="experiment")
    left_out = dict(conn.execute(
        "select series_id, last_actual_date from forecast.run_excluded_series where run_id = %s",
        (first.run_id,)).fetchall())
    assert left_out == {series[6]: STOPPED[6], series[5]: STOPPED[5]}
    every = settings.model_copy(update={"discontinued_days": 0})  # 0: plan every series
    second = run_month(every, "2015-07", experiments=EXPERIMENTS, progress=False, kind="experiment")
    assert not second.reused and second.run_id != first.run_id
    count = conn.execute("select count(distinct series_id) from forecast.forecast_value where run_id = %s",
                         (second.run_id,)).fetchone()
    assert count == (STORES,)
    assert conn.execute("select count(*) from forecast.run_excluded_series where run_id = %s",
                        (second.run_id,)).fetchone() == (0,)
    again = run_month(strict, "2015-07", experiments=EXPERIMENTS, progress=False, kind="experiment")
    assert again.reused and again.run_id == first.run_id


def test_the_report_of_the_month_names_the_discontinued_series(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from planfact.reporting.month import render_month_report

    _load(conn, tmp_path)
    outcome = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    july = rossmann_frame(JULY, dt.date(2015, 7, 31))
    july = july.loc[july["Store"] != 6]  # store 6 stays closed; the others report July
    assert load_actuals(conn, write_rossmann(july, tmp_path / "july.csv")).version_id is not None
    paths = render_month_report(settings, "2015-07", out_dir=tmp_path / "out", refresh_mart=True)
    html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    note = ("Not planned: 1 discontinued series (no actuals in the 28 days before the plan was made): "
            "Store 6 (last actual 20 May 2015). None of them reported sales this month.")
    assert f'<p class="discontinued" id="discontinued">{note}</p>' in html
    ws = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))["Summary"]
    assert note in [ws.cell(row=r, column=2).value for r in range(1, 30)]
    assert f"run {outcome.run_id} (production)" in html  # the plan of record that left it out


def test_the_report_counts_what_a_discontinued_series_sold_anyway(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    """Store 6 was left out of the plan but reports a few July days: the report gives its
    month's actual (read from the materialized mart), and only its."""
    from planfact.mart import refresh_mart
    from planfact.reporting.data import load_report_data

    series = _load(conn, tmp_path)
    run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    july = rossmann_frame(JULY, dt.date(2015, 7, 31))
    days = pd.to_datetime(july["Date"]).dt.day
    july = july.loc[(july["Store"] != 6) | days.between(20, 24)]  # store 6 sells 5 days anyway
    assert load_actuals(conn, write_rossmann(july, tmp_path / "july.csv")).version_id is not None
    refresh_mart(conn)
    conn.commit()
    data = load_report_data(conn, JULY, tolerance=0.02)
    sold = float(july.loc[july["Store"] == 6, "Sales"].sum())
    assert sold > 0
    found = [(s.series, s.last_actual, s.actual) for s in data.discontinued.series]
    assert found == [(str(series[6]), STOPPED[6], sold)]
    assert data.discontinued.returned == list(data.discontinued.series)
