"""A whole cycle on a 4-4-5 fiscal calendar with daily data: load -> mart -> run -> report -> registry.

The calendar is the issue's example (4-4-5, the fiscal year ends on the last Friday of
January, so FY2012 P10 is 2012-10-27..2012-11-23); files land named by period
(``actuals_FY2014-P10_history.csv.gz``) and every expectation comes from the calendar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from forecasting.retail_calendar import RetailCalendar
from planfact import pipeline
from planfact.calendars import installation_calendar, record_calendar
from planfact.config import Settings
from planfact.errors import UsageError
from support import ROOT

EXPERIMENTS = ROOT / "tests" / "fixtures" / "pipeline_experiments.toml"
CALENDAR = RetailCalendar("445", year_end_month=1, week_end="fri")


@pytest.fixture(scope="module")
def tiny() -> Any:
    from planfact.demo.synthetic import generate

    return generate("tiny", seed=5, start="2014-03-01", end="2015-03-31")


def _write_period(data: Any, folder: Path, label: str, *, since: Any = None, suffix: str = "") -> Path:
    from planfact.demo.synthetic.files import write_csv_gz

    period = CALENDAR.parse(label)
    dates = data.sales["date"].dt.date
    first = since if since is not None else period.start
    rows = data.sales[(dates >= first) & (dates <= period.end)]
    return write_csv_gz(rows, folder / f"actuals_{label}{suffix}.csv.gz")


@pytest.fixture
def fiscal(settings: Settings, tiny: Any) -> Settings:
    from planfact.demo.synthetic.files import write_reference_files

    chosen = settings.model_copy(update={"calendar": "445", "fiscal_year_end_month": 1,
                                         "fiscal_week_end": "fri", "experiments_file": EXPERIMENTS})
    write_reference_files(tiny, chosen.landing_dir)
    _write_period(tiny, chosen.landing_dir, "FY2014-P10", since=tiny.start, suffix="_history")
    _write_period(tiny, chosen.landing_dir, "FY2014-P11")
    return chosen


def test_a_fiscal_cycle_plans_and_reports_whole_periods(fiscal: Settings, conn: psycopg.Connection) -> None:
    conn.autocommit = True  # no open transaction of the test blocks a load or a refresh
    p10, p11 = CALENDAR.parse("FY2014-P10"), CALENDAR.parse("FY2014-P11")
    assert pipeline.actuals_available(fiscal, "FY2014-P10")
    version = pipeline.land_actuals(fiscal, "FY2014-P10")
    assert version == 1
    # recorded at first use: the setting and every period, each day mapped to its period
    assert conn.execute("select kind from core.calendar_setting").fetchone() == ("445",)
    row = conn.execute("select label, period_end, weeks, fiscal_year from core.calendar_period "
                       "where period_start = %s", (p10.start,)).fetchone()
    assert row == ("FY2014-P10", p10.end, p10.weeks, 2014)
    assert conn.execute("select core.period_end(%s)", (p11.start,)).fetchone() == (p11.end,)

    pipeline.prepare_mart(fiscal)
    months = [m for (m,) in conn.execute(
        "select distinct month from mart.sales_monthly where level = 'total' order by month")]
    assert p10.start in months and all(CALENDAR.period_of(m).start == m for m in months)
    p10_total = conn.execute("select sales from mart.sales_monthly where level = 'total' and month = %s",
                             (p10.start,)).fetchone()
    assert p10_total is not None and p10_total[0] > 0

    # forecast P11 from the data as of P10's close: its days are the period's 28 or 35
    run_id = pipeline.start_forecast(fiscal, p11.start.isoformat(), data_version=version)
    assert run_id is not None
    pipeline.forecast_shard(fiscal, run_id, 1)
    assert "succeeded" in pipeline.finalize_forecast(fiscal, run_id, "FY2014-P11")
    days = conn.execute("select min(forecast_date), max(forecast_date), count(distinct forecast_date) "
                        "from forecast.forecast_value where run_id = %s", (run_id,)).fetchone()
    assert days == (p11.start, p11.end, p11.days)
    assert conn.execute("select target_month from forecast.run where run_id = %s",
                        (run_id,)).fetchone() == (p11.start,)
    params = conn.execute("select params->>'cutoff' from forecast.run where run_id = %s",
                          (run_id,)).fetchone()
    assert params == (p10.end.isoformat(),)

    # P11's actuals land: the plan-vs-actual report of P11 has the fiscal header
    assert pipeline.land_actuals(fiscal, "FY2014-P11") == 2
    pipeline.prepare_mart(fiscal)
    paths = pipeline.report_month(fiscal, "FY2014-P11")
    assert len(paths) == 2
    html = next(Path(p) for p in paths if p.endswith(".html")).read_text(encoding="utf-8")
    header = f"P11 FY2014, {p11.weeks} weeks, {p11.start}..{p11.end}"
    assert header in html
    plan_fact = conn.execute("select days, actual_days from mart.plan_fact_monthly "
                             "where level = 'total' and target_month = %s", (p11.start,)).fetchone()
    assert plan_fact == (p11.days, p11.days)
    registry = conn.execute("select target_month, status from mart.run_registry where run_id = %s",
                            (run_id,)).fetchone()
    assert registry == (p11.start, "succeeded")
    reported = conn.execute("select target_month from forecast.report").fetchall()
    assert set(reported) == {(p11.start,)}


def test_another_calendar_is_refused_naming_the_setting(fiscal: Settings, conn: psycopg.Connection) -> None:
    conn.autocommit = True
    record_calendar(conn, installation_calendar(fiscal))
    monthly = fiscal.model_copy(update={"calendar": "month"})
    with pytest.raises(UsageError, match="PLANFACT_CALENDAR.*445 year-end jan, weeks end fri"):
        pipeline.prepare_mart(monthly)
    assert record_calendar(conn, installation_calendar(fiscal)) is False  # the same one: fine


def test_a_restated_fiscal_period_gets_a_new_report_and_a_later_period_keeps_it(
    fiscal: Settings, tiny: Any, conn: psycopg.Connection
) -> None:
    """The keep-or-redo check of ``report_month`` looks at the period's own days: P12 landing
    (which shares December with P11) keeps P11's report; a restatement of P11 renders it anew."""
    from planfact.demo.synthetic.files import write_csv_gz

    conn.autocommit = True
    p11 = CALENDAR.parse("FY2014-P11")
    version = pipeline.land_actuals(fiscal, "FY2014-P10")
    pipeline.prepare_mart(fiscal)
    run_id = pipeline.start_forecast(fiscal, p11.start.isoformat(), data_version=version)
    pipeline.forecast_shard(fiscal, run_id, 1)
    pipeline.finalize_forecast(fiscal, run_id, "FY2014-P11")
    pipeline.land_actuals(fiscal, "FY2014-P11")
    pipeline.prepare_mart(fiscal)
    first = pipeline.report_month(fiscal, "FY2014-P11")
    assert len(first) == 2

    _write_period(tiny, fiscal.landing_dir, "FY2014-P12")
    pipeline.land_actuals(fiscal, "FY2014-P12")
    pipeline.prepare_mart(fiscal)
    assert pipeline.report_month(fiscal, "FY2014-P11") == first  # P11's own days are unchanged

    dates = tiny.sales["date"].dt.date
    rows = tiny.sales[(dates >= p11.start) & (dates <= p11.end)].copy()
    corrected = rows.index[rows["sales"] > 0][:3]  # a late correction of three series-days
    rows.loc[corrected, "sales"] = (rows.loc[corrected, "sales"] * 0.9).round()
    write_csv_gz(rows, fiscal.landing_dir / "actuals_FY2014-P11_restated.csv.gz")
    pipeline.land_actuals(fiscal, "FY2014-P11")
    pipeline.prepare_mart(fiscal)
    again = pipeline.report_month(fiscal, "FY2014-P11")
    assert len(again) == 2 and set(again).isdisjoint(first)  # rendered anew: new files
    reports = conn.execute("select count(*), count(distinct data_version) from forecast.report "
                           "where target_month = %s", (p11.start,)).fetchone()
    assert reports == (4, 2)
