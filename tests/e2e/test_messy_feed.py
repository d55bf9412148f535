"""The messy-retail feed end to end, as a new user would run it with the CLI: stores and a
store x department feed with returns and TRUE/FALSE flags loaded through its mapping, the mart
refreshed and its data tests, the monthly run, the month's actuals, the plan-vs-actual report
right after them (the mart is refreshed by the report: it is behind the load) and the registry.
Discontinued series are left out of the plan, and the report names them.

The generator's tiny size (3 stores x 6 departments) from 2014-07-01 to 2015-07-31: 1 · DAIRY
stops on 22 May 2015 (no actual in the 28 days before July), 2 · DAIRY is born in January.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from planfact.demo.synthetic import generate_messy
from support.cli_run import database_env, run_cli

pytestmark = pytest.mark.slow  # about 30 s: five loads, a run and a report through the CLI

EXPERIMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "messy_experiments.toml"
START, END = "2014-07-01", "2015-07-31"
JULY, CUTOFF = dt.date(2015, 7, 1), dt.date(2015, 6, 30)


def _ok(*argv: str) -> str:
    result = run_cli(*argv)
    assert result.code == 0, (argv, result.stdout, result.stderr)
    return result.stdout


def test_messy_feed_loads_runs_and_reports(db_url: str, conn: psycopg.Connection, tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    messy = generate_messy("tiny", start=START, end=END)
    sales = messy.sales.assign(day=pd.to_datetime(messy.sales["day"]).dt.date)
    history = sales.loc[sales["day"] <= CUTOFF]
    last = history.groupby(["store", "department"])["day"].max()
    stopped = {f"{s} / {d}" for (s, d), day in last.items() if day <= CUTOFF - dt.timedelta(days=28)}
    assert stopped == {"1 / DAIRY"}  # the generator's stopped series, as the docstring says
    with database_env(db_url):
        _ok("data", "generate", "--profile", "messy", "--size", "tiny", "--out", str(feed),
            "--start", START, "--end", END, "--by-month")
        _ok("load", "stores", str(feed / "stores.csv.gz"))
        _ok("load", "holidays", str(feed / "holidays_events.csv.gz"))
        months = sorted(feed.glob("actuals_*.csv.gz"))
        assert months[-1].name == "actuals_2015-07.csv.gz" and len(months) == 13
        mapping = str(feed / "messy_mapping.toml")
        _ok("load", "actuals", *map(str, months[:-1]), "--mapping", mapping, "--new-stores")
        _ok("mart", "refresh")
        _ok("mart", "test")

        # Returns round-trip (signs, sum) and flags land as booleans / their declared codes.
        stored = conn.execute(
            "select count(*), count(*) filter (where sales < 0), sum(sales)::float8,"
            " count(*) filter (where state_holiday = '1'), count(*) filter (where not is_open),"
            " count(*) filter (where promo = 1), array_agg(distinct state_holiday),"
            " bool_and(is_open is not null)"
            " from core.actuals_current"
        ).fetchone()
        conn.commit()
        assert stored is not None
        assert stored[0] == len(history) and stored[1] == int((history["net_sales"] < 0).sum()) > 0
        assert abs(stored[2] - float(history["net_sales"].sum())) < 1e-6
        assert stored[3] == int((history["holiday"] == "TRUE").sum())
        assert stored[4] == int((history["open"] == "FALSE").sum())
        assert stored[5] == int((history["on_promo"] == "TRUE").sum())
        assert set(stored[6]) <= {"0", "1"} and stored[7]
        kinds = conn.execute(
            "select data_type from information_schema.columns where table_schema = 'core'"
            " and table_name = 'actuals' and column_name in ('is_open', 'school_holiday')"
        ).fetchall()
        conn.commit()
        assert kinds == [("boolean",), ("boolean",)]

        ran = _ok("run", "month", "2015-07", "--experiments", str(EXPERIMENTS))
        run_id = conn.execute("select run_id from forecast.run").fetchone()[0]
        conn.commit()
        assert "not planned: 1 discontinued series" in ran

        _ok("load", "actuals", str(months[-1]), "--mapping", mapping)
        report_dir = tmp_path / "reports"
        # right after the load, no --refresh-mart: the report refreshes the mart that is behind
        _ok("report", "month", "2015-07", "--out", str(report_dir))
        shown = _ok("runs", "show", str(run_id))

    # Every series with history that is not discontinued has a forecast for every day of July.
    series = dict(conn.execute(
        "select store_id || ' / ' || group_id, series_id from core.series").fetchall())
    planned = dict(conn.execute(
        "select series_id, count(distinct forecast_date) from forecast.forecast_value where run_id = %s"
        " group by series_id", (run_id,)).fetchall())
    expected = {series[key] for key in {f"{s} / {d}" for s, d in last.index}} - {series[k] for k in stopped}
    assert set(planned) == expected and set(planned.values()) == {31}
    excluded = conn.execute(
        "select series_id, reason, last_actual_date from forecast.run_excluded_series where run_id = %s",
        (run_id,)).fetchall()
    assert excluded == [(series["1 / DAIRY"], "discontinued", last[(1, "DAIRY")])]
    assert "not planned: 1 discontinued series" in shown

    # The registry row and the plan of record.
    registry = conn.execute(
        "select status, is_plan_of_record, target_month from mart.run_registry where run_id = %s",
        (run_id,)).fetchone()
    assert registry == ("succeeded", True, JULY)
    label = conn.execute("select label from mart.member_label where level = 'series' and member = %s",
                         (str(series["1 / DAIRY"]),)).fetchone()[0]
    reports = conn.execute("select count(*) from forecast.report where target_month = %s", (JULY,)).fetchone()
    assert reports == (2,)

    # The report renders and names the discontinued series (by name, not id) in both formats.
    html = next(report_dir.glob("plan_fact_2015-07*.html")).read_text(encoding="utf-8")
    assert '<p class="discontinued" id="discontinued">Not planned: 1 discontinued series' in html
    assert f"{label} (last actual {last[(1, 'DAIRY')]:%d %b %Y})" in html
    from openpyxl import load_workbook

    workbook = load_workbook(next(report_dir.glob("plan_fact_2015-07*.xlsx")))
    notes = [c.value for row in workbook["Summary"].iter_rows(max_row=30) for c in row]
    assert any(isinstance(v, str) and label in v and v.startswith("Not planned") for v in notes)
