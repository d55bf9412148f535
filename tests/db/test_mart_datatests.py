"""Data tests of the mart: all pass on good data; each deliberately broken row fails its test."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import psycopg
import pytest

from planfact.errors import PlanfactError
from planfact.mart import DataTestResult, check_mart, evaluate_data_tests, load_data_tests, refresh_mart
from support.mart_dataset import Dataset, build


@pytest.fixture
def data(conn: psycopg.Connection) -> Dataset:
    dataset = build(conn)
    refresh_mart(conn)
    return dataset


def _failed(conn: psycopg.Connection) -> dict[tuple[str, str], DataTestResult]:
    return {(r.view, r.test): r for r in evaluate_data_tests(conn) if not r.passed}


def test_catalogue_covers_every_view_and_kind() -> None:
    tests = load_data_tests()
    views = {t.view for t in tests}
    assert {
        "mart.sales_daily",
        "mart.sales_monthly",
        "mart.plan_fact_daily",
        "mart.plan_fact_monthly",
        "mart.forecast_accuracy",
        "mart.run_registry",
    } <= views
    names = {t.name.split("(")[0] for t in tests}
    assert {
        "unique",
        "not_null",
        "accepted_values",
        "relationships",
        "expression",
        "finite",
        "monthly_equals_sum_of_days",
        "holidays_are_rare",
    } <= names


def test_all_pass_on_good_data(conn: psycopg.Connection, data: Dataset) -> None:
    results = evaluate_data_tests(conn)
    assert len(results) > 60
    assert [r.describe() for r in results if not r.passed] == []
    check_mart(conn)


def test_empty_database_passes(conn: psycopg.Connection) -> None:
    assert [r.describe() for r in evaluate_data_tests(conn) if not r.passed] == []


def test_stale_mart_fails_until_refreshed(conn: psycopg.Connection, data: Dataset) -> None:
    conn.execute(
        "insert into core.actuals (series_id, sale_date, sales, valid_from_version)"
        " values (1, '2015-08-01', 5, %s)",
        (data.versions[1],),
    )
    conn.execute(
        "insert into forecast.plan_assignment (target_month, run_id, reason) values ('2015-07-01', %s, 'x')",
        (data.runs["july_experiment"],),
    )  # an experiment never becomes the plan
    conn.execute(
        "insert into forecast.plan_assignment (target_month, run_id, reason) values ('2015-06-01', %s, 'x')",
        (data.runs["july"],),
    )  # a promote: June's plan is now another run
    conn.commit()
    failed = _failed(conn)
    stale = failed[("mart.sales_monthly", "monthly_equals_sum_of_days")]
    assert stale.failing_rows == 1
    assert stale.sample[0]["month"] == date(2015, 8, 1) and stale.sample[0]["series_id"] == "1"
    plan = failed[("mart.plan_fact_monthly", "matches_plan_of_record")]
    assert plan.sample == [
        {
            "target_month": date(2015, 6, 1),
            "plan_of_record_run_id": data.runs["july"],
            "mart_run_id": data.runs["june"],
        }
    ]
    refresh_mart(conn)
    assert _failed(conn) == {}


def test_duplicate_current_row_fails_unique_grain(conn: psycopg.Connection, data: Dataset) -> None:
    # a loader bug that leaves two current rows for one key (the index that forbids it dropped)
    conn.execute("drop index core.actuals_current_key")
    conn.execute(
        "insert into core.actuals (series_id, sale_date, sales, valid_from_version)"
        " values (2, '2015-07-02', 1, %s)",
        (data.versions[0],),
    )
    conn.commit()
    refresh_mart(conn)
    failed = _failed(conn)
    unique = failed[("mart.sales_daily", "unique(series_id, sale_date)")]
    assert unique.failing_rows == 1
    assert unique.sample == [{"series_id": 2, "sale_date": date(2015, 7, 2), "occurrences": 2}]
    assert "mart.sales_daily unique(series_id, sale_date): 1 offending row(s)" in unique.describe()
    with pytest.raises(
        PlanfactError, match=r"mart\.sales_daily unique\(series_id, sale_date\).*sale_date=2015-07-02"
    ):
        check_mart(conn)


def test_returns_pass_and_a_nan_fails_finite_and_month_sums(conn: psycopg.Connection, data: Dataset) -> None:
    # Negative sales are returns (a feed may declare them): no test fails on them.
    conn.execute("update core.actuals set sales = -3 where series_id = 3 and sale_date = '2015-07-15'")
    conn.commit()
    refresh_mart(conn)
    assert _failed(conn) == {}
    # A NaN never passes: the table refuses it, and the mart tests catch one that got in anyway.
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("update core.actuals set sales = 'NaN' where series_id = 3 and sale_date = '2015-07-15'")
    conn.rollback()
    conn.execute("alter table core.actuals drop constraint actuals_sales_finite")
    conn.execute("update core.actuals set sales = 'NaN' where series_id = 3 and sale_date = '2015-07-15'")
    conn.commit()
    refresh_mart(conn)
    failed = _failed(conn)
    assert {
        ("mart.sales_daily", "finite(sales)"),
        ("mart.sales_monthly", "finite(sales)"),
        ("mart.sales_monthly", "monthly_equals_sum_of_days"),
        ("mart.plan_fact_daily", "finite(actual)"),
        ("mart.plan_fact_monthly", "finite(actual)"),
        ("mart.plan_fact_monthly", "finite(wape)"),
        ("mart.plan_fact_monthly", "monthly_equals_sum_of_days"),
        ("mart.forecast_accuracy", "finite(wape)"),
    } <= set(failed)
    nan = failed[("mart.sales_daily", "finite(sales)")]
    assert nan.failing_rows == 1 and nan.sample[0]["series_id"] == 3


def test_a_boolean_holiday_kept_as_text_fails_its_domain(conn: psycopg.Connection, data: Dataset) -> None:
    # what a TRUE/FALSE column read as codes stored: every day of June 'True' or 'False'
    conn.execute(
        "update core.actuals"
        " set state_holiday = case when sale_date = '2015-06-04' then 'True' else 'False' end"
        " where sale_date between '2015-06-01' and '2015-06-30' and valid_to_version is null"
    )
    conn.commit()
    refresh_mart(conn)
    failed = _failed(conn)
    assert set(failed) == {
        ("mart.sales_daily", "expression(state_holiday_is_a_code)"),
        ("mart.sales_daily", "holidays_are_rare"),
    }
    rare = failed[("mart.sales_daily", "holidays_are_rare")]
    assert rare.sample[0]["month"] == date(2015, 6, 1)
    assert rare.sample[0]["holiday_series_days"] == rare.sample[0]["series_days"]


def test_bad_relationship_and_accepted_value(conn: psycopg.Connection, data: Dataset) -> None:
    conn.execute("alter table core.actuals drop constraint actuals_valid_from_version_fkey")
    conn.execute(
        "update core.actuals set valid_from_version = 77 where series_id = 4 and sale_date = '2015-07-01'"
    )
    conn.execute("alter table forecast.run drop constraint run_status_check")
    conn.execute("update forecast.run set status = 'paused' where run_id = %s", (data.runs["running"],))
    conn.commit()
    failed = _failed(conn)
    relation = failed[("mart.sales_daily", "relationships(data_version -> core.data_version.version_id)")]
    assert relation.sample == [{"value": 77, "occurrences": 1}]
    status = failed[("mart.run_registry", "accepted_values(status)")]
    assert status.sample == [{"value": "paused", "occurrences": 1}]


def test_inconsistent_materialized_views_fail_monthly_equals_days(
    conn: psycopg.Connection, data: Dataset
) -> None:
    # the July plan changes and only the monthly view is refreshed: it no longer sums its days
    conn.execute(
        "update forecast.forecast_value set yhat = yhat + 100 where run_id = %s and series_id = 1"
        " and forecast_date = '2015-07-09'",
        (data.runs["july"],),
    )
    conn.execute("refresh materialized view mart.plan_fact_monthly")
    conn.commit()
    failed = _failed(conn)
    result = failed[("mart.plan_fact_monthly", "monthly_equals_sum_of_days")]
    assert result.failing_rows == 8  # one member at each of the 8 levels holds series 1
    assert len(result.sample) == 5  # a sample, not all of them
    for row in result.sample:
        assert row["target_month"] == date(2015, 7, 1)
        assert row["monthly_plan"] - row["sum_of_daily_plan"] == pytest.approx(100)
    assert ("mart.plan_fact_daily", "total_equals_plan_run_forecasts") in failed


def _planfact(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planfact", *args], capture_output=True, text=True, env=env, timeout=180
    )


@pytest.mark.slow
def test_cli_refresh_and_test(conn: psycopg.Connection, cli_env: dict[str, str]) -> None:
    build(conn)
    refreshed = _planfact(cli_env, "mart", "refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "mart.plan_fact_monthly" in refreshed.stdout and "total" in refreshed.stdout
    good = _planfact(cli_env, "mart", "test", "--refresh")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "PASS  mart.sales_monthly  monthly_equals_sum_of_days" in good.stdout
    assert " 0 failed" in good.stdout

    conn.execute(
        "insert into core.actuals (series_id, sale_date, sales, valid_from_version)"
        " values (1, '2015-08-03', 5, 2)"
    )
    conn.commit()
    bad = _planfact({**cli_env, "PYTHONUNBUFFERED": "1"}, "mart", "test")
    assert bad.returncode == 1
    assert "FAIL  mart.sales_monthly  monthly_equals_sum_of_days" in bad.stdout
    assert "month=2015-08-01, series_id=1" in bad.stdout
    assert bad.stderr.strip().count("\n") == 0 and "Traceback" not in bad.stderr
    assert "mart.sales_monthly monthly_equals_sum_of_days" in bad.stderr
