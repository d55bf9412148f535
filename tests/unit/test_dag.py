"""The monthly DAG: it imports cleanly, and its graph, schedule, intervals and retries are right.

Airflow configures logging and its own settings when first imported, so every Airflow
call runs in a child process with a private ``AIRFLOW_HOME`` (nothing leaks into the
other tests); the child prints one JSON line that the tests read.
"""

from __future__ import annotations

from typing import Any

import pytest

from support.airflow import DAGS, airflow_env, run_child

# Logical dates an operator might give, as YYYY-M-D (a month's first day, a day inside one).
MONTH_DATES = "2015-7-1,2015-10-15,2015-12-1"
FISCAL_DATES = "2015-3-29,2015-4-10"


@pytest.fixture(scope="module")
def described(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("airflow-parse")
    env = airflow_env(home, PLANFACT_SHARDS="3", PLANFACT_DAG_START_DATE="2015-06-01")
    return run_child("support.airflow.describe_dag", env)


def test_dag_folder_imports_without_errors(described: dict[str, Any]) -> None:
    assert described["import_errors"] == {}
    assert described["dag_ids"] == ["planfact_monthly"]


def test_task_graph(described: dict[str, Any]) -> None:
    tasks = described["tasks"]
    assert set(tasks) == {
        "wait_for_actuals",
        "land_actuals",
        "prepare_mart",
        "report_month",
        "start_forecast",
        "forecast_shard",
        "finalize_forecast",
        "notify",
    }
    up = {name: set(t["upstream"]) for name, t in tasks.items()}
    assert up["wait_for_actuals"] == set()
    assert up["land_actuals"] == {"wait_for_actuals"}
    assert up["prepare_mart"] == {"land_actuals"}  # data tests run before anything reads the mart
    assert up["report_month"] == {"prepare_mart"}
    assert up["start_forecast"] == {"report_month", "land_actuals"}
    assert up["forecast_shard"] == {"start_forecast"}
    assert up["finalize_forecast"] == {"forecast_shard", "start_forecast"}
    assert up["notify"] == {"finalize_forecast", "land_actuals", "report_month"}
    # N shards by dynamic task mapping, N from PLANFACT_SHARDS (3 here).
    assert tasks["forecast_shard"]["type"].endswith("MappedOperator")
    assert tasks["forecast_shard"]["expand"] == {"shard": [1, 2, 3]}


def test_sensor_waits_in_reschedule_mode_with_a_timeout(described: dict[str, Any]) -> None:
    sensor = described["tasks"]["wait_for_actuals"]
    assert sensor["mode"] == "reschedule"
    assert 0 < sensor["poke_interval_s"] < sensor["timeout_s"] <= 14 * 86400


def test_schedule_is_the_closed_calendar_month(described: dict[str, Any]) -> None:
    assert described["timetable"] == "ClosedMonthTimetable"  # planfact's, registered by its plugin
    # The run for July 2015 covers July and starts when July has closed; a manual run with the
    # logical date 2015-07-01 (or any day of July) covers July too, as the scheduled one does.
    assert described["july"] == ["2015-07-01T00:00:00+00:00", "2015-08-01T00:00:00+00:00"]
    assert described["mid_july"] == described["july"]
    assert described["first"] == [
        "2015-06-01T00:00:00+00:00",
        "2015-07-01T00:00:00+00:00",
        "2015-07-01T00:00:00+00:00",
    ]
    assert described["second"] == ["2015-07-01T00:00:00+00:00", "2015-08-01T00:00:00+00:00"]
    assert described["after_december"] == ["2016-01-01T00:00:00+00:00", "2016-02-01T00:00:00+00:00"]
    assert described["start_date"].startswith("2015-06-01")


def _manual_runs(tmp_path_factory: pytest.TempPathFactory, dates: str, **env: str) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("airflow-manual")
    env = airflow_env(home, PLANFACT_DAG_START_DATE="2015-02-01", PLANFACT_TEST_LOGICAL_DATES=dates, **env)
    return run_child("support.airflow.describe_manual_runs", env)


def test_a_logical_date_names_its_month_however_the_run_was_made(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """``airflow dags trigger --logical-date 2015-10-01`` stores the interval of the trigger time
    (Airflow 3.3); the month is still October for the tasks and for the schedule after it."""
    runs = _manual_runs(tmp_path_factory, MONTH_DATES)
    assert runs["import_errors"] == {} and runs["timetable"] == "ClosedMonthTimetable"
    # [interval start, interval end] the timetable gives the logical date; the end the tasks read.
    assert runs["named"] == {
        "2015-7-1": ["2015-07-01", "2015-08-01", "2015-08-01"],
        "2015-10-15": ["2015-10-01", "2015-11-01", "2015-11-01"],
        "2015-12-1": ["2015-12-01", "2016-01-01", "2016-01-01"],
    }
    # The scheduler meeting such a run where it would have made that month's run goes on with
    # the month after it, not after the month of the trigger time (2026-11: every month skipped).
    assert runs["next_after_cli_run"] == {
        "2015-7-1": "2015-08-01", "2015-10-15": "2015-11-01", "2015-12-1": "2016-01-01"}


def test_on_a_fiscal_calendar_a_logical_date_names_its_period_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """445 calendar, year end January: periods start 2015-03-01, 03-29, 05-03, ...; the run due on
    a period's first day closes the period before it (its logical date is that first day)."""
    runs = _manual_runs(tmp_path_factory, FISCAL_DATES, PLANFACT_CALENDAR="445")
    assert runs["import_errors"] == {} and runs["timetable"] == "PeriodStartTimetable"
    assert runs["named"] == {
        "2015-3-29": ["2015-03-29", "2015-03-29", "2015-03-29"],
        "2015-4-10": ["2015-03-29", "2015-03-29", "2015-03-29"],  # inside a period: its run day
    }
    assert runs["next_after_cli_run"] == {"2015-3-29": "2015-05-03", "2015-4-10": "2015-05-03"}


def test_runs_catch_up_one_at_a_time(described: dict[str, Any]) -> None:
    assert described["catchup"] is True
    assert described["max_active_runs"] == 1
    assert all(t["depends_on_past"] for t in described["tasks"].values())
    assert described["tags"] == ["forecast", "monthly", "planfact"]


def test_retries_back_off_exponentially(described: dict[str, Any]) -> None:
    for name, task in described["tasks"].items():
        if name == "notify":
            continue  # the webhook never raises; nothing to retry
        assert task["retries"] >= 2, name
        assert task["backoff"] > 1, name
        assert task["retry_delay_s"] > 0 and task["max_retry_delay_s"] >= task["retry_delay_s"], name


def test_retry_policy_fails_fast_on_bad_input_and_retries_the_rest(described: dict[str, Any]) -> None:
    assert described["decisions"] == {
        "input": "fail",
        "planfact": "fail",
        "usage": "default",  # an unreachable database is a UsageError: retried
        "os": "default",
    }


def test_a_final_failure_is_reported_in_one_line(described: dict[str, Any]) -> None:
    assert described["failure_messages"] == [
        "planfact 2015-07: FAILED in prepare_mart: data test unique failed on mart.sales_daily"
    ]


def test_dag_file_only_wires_tasks() -> None:
    """No SQL, pandas or clock in the DAG file; planfact is imported inside tasks only."""
    text = (DAGS / "planfact_monthly.py").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for banned in ("import pandas", "select ", "insert ", "now()", "utcnow", "today()", "psycopg"):
        assert banned not in code.lower(), banned
    top_level = [line for line in code.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in top_level if "forecasting" in line or "reports" in line]
    assert "datetime.now" not in code
