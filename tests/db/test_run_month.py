"""The monthly run end to end on real PostgreSQL: registry, selection, forecasts, plan of record,
reuse, --force, a failure midway, shards + finalize, reproduce, and the README's SQL examples.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest

from planfact.config import Settings
from planfact.db.queries import sql_file
from planfact.errors import PlanfactError
from planfact.mart import refresh_mart
from planfact.runs import finalize_run, promote_plan, reproduce_run, run_month
from support.run_data import EXPERIMENTS, STORES, load_month, load_two_versions

JULY = dt.date(2015, 7, 1)
DAYS = 31


def _run(settings: Settings, **kwargs: object):
    return run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False, **kwargs)


def _one(conn: psycopg.Connection, query: str, *params: object) -> tuple:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row


def _forecasts(conn: psycopg.Connection, run_id: int) -> list[tuple]:
    return conn.execute(
        "select series_id, forecast_date, model_version_id, yhat, lo_80, hi_80, lo_95, hi_95 "
        "from forecast.forecast_value where run_id = %s order by series_id, forecast_date", (run_id,)
    ).fetchall()


def _plan(conn: psycopg.Connection) -> int | None:
    row = conn.execute("select run_id from forecast.plan_of_record where target_month = %s",
                       (JULY,)).fetchone()
    return None if row is None else row[0]


def test_month_run_writes_registry_selection_forecasts_and_plan(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    _, v2 = load_two_versions(conn, tmp_path)
    outcome = _run(settings)
    assert not outcome.reused and outcome.status == "succeeded"
    assert f"run {outcome.run_id} succeeded" in outcome.summary
    assert f"{STORES} series" in outcome.summary and "models chosen:" in outcome.summary
    assert "backtest of the chosen models" in outcome.summary and "duration" in outcome.summary

    kind, month, version, status, error, sha, code, metrics, shards, finished = _one(
        conn, "select kind, target_month, data_version, status, error, config_sha256, code_version, "
        "metrics, shard_count, finished_at from forecast.run where run_id = %s", outcome.run_id)
    assert (kind, month, version, status, error, shards) == ("production", JULY, v2, "succeeded", None, 1)
    assert len(sha) == 64 and code and finished is not None
    assert metrics["series"] == STORES and metrics["forecast_rows"] == STORES * DAYS
    assert 0 < metrics["wape"] < 0.2 and abs(metrics["bias"]) < 10
    assert sum(metrics["models"].values()) == STORES

    # Evidence: every series x 2 candidates x 2 folds x 4 metrics; one selection per series.
    assert _one(conn, "select count(*) from forecast.backtest_metric where run_id = %s",
                outcome.run_id)[0] == STORES * 2 * 2 * 4
    selection = conn.execute(
        "select s.series_id, mv.model_name, s.reason from forecast.selection s "
        "join forecast.model_version mv using (model_version_id) where run_id = %s", (outcome.run_id,)
    ).fetchall()
    assert len(selection) == STORES
    assert all(name in {"seasonal_naive", "profile"} and reason for _, name, reason in selection)
    # The selected model is the one with the lowest mean backtest WAPE of that series.
    best = conn.execute(
        "select distinct on (series_id) series_id, model_version_id from ("
        " select series_id, model_version_id, avg(value) as wape from forecast.backtest_metric"
        " where run_id = %s and metric = 'wape' and fold >= 1 group by 1, 2) as m"
        " order by series_id, wape", (outcome.run_id,)).fetchall()
    chosen = dict(conn.execute("select series_id, model_version_id from forecast.selection where run_id = %s",
                               (outcome.run_id,)).fetchall())
    assert dict(best) == chosen

    rows = _forecasts(conn, outcome.run_id)
    assert len(rows) == STORES * DAYS
    assert {r[1] for r in rows} == {JULY + dt.timedelta(d) for d in range(DAYS)}
    for _, day, model, yhat, lo80, hi80, lo95, hi95 in rows:
        assert model == chosen[_]
        assert 0 <= lo95 <= lo80 <= yhat <= hi80 <= hi95
        if day.isoweekday() == 7:  # closed on Sundays: a known zero
            assert yhat == 0
    assert _plan(conn) == outcome.run_id
    shard = _one(conn, "select status from forecast.run_shard where run_id = %s", outcome.run_id)
    assert shard == ("succeeded",)


def test_rerun_is_reused_and_force_makes_a_new_run_without_moving_the_plan(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    first = _run(settings)
    again = _run(settings)
    assert again.reused and again.run_id == first.run_id
    assert f"reusing run {first.run_id}" in again.summary
    assert _one(conn, "select count(*) from forecast.run")[0] == 1

    forced = _run(settings, force=True)
    assert not forced.reused and forced.run_id != first.run_id and forced.status == "succeeded"
    assert f"stays run {first.run_id}" in forced.summary
    assert _plan(conn) == first.run_id
    assert _forecasts(conn, forced.run_id) == _forecasts(conn, first.run_id)

    # Another kind or data version is not the same run.
    experiment = _run(settings, kind="experiment")
    assert not experiment.reused and "experiment runs never become plans" in experiment.summary
    with pytest.raises(PlanfactError, match="data version 1 has actuals up to 2015-05-31") as short:
        _run(settings, data_version=1)  # a forecast of July needs June
    assert short.value.exit_code == 1  # the data falls short of a valid request: bad input, not usage
    assert _plan(conn) == first.run_id


def test_a_run_failing_midway_is_recorded_failed_with_no_plan_rows(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_two_versions(conn, tmp_path)
    import planfact.runs.shards as shards

    real_write = shards.write_results

    def write_then_fail(*args: object, **kwargs: object) -> object:
        real_write(*args, **kwargs)  # every row is COPYed into the shard transaction ...
        raise RuntimeError("disk full (simulated)")  # ... and then the shard dies

    monkeypatch.setattr(shards, "write_results", write_then_fail)
    with pytest.raises(PlanfactError, match=r"run \d+ failed: RuntimeError: disk full \(simulated\)"):
        _run(settings)
    run_id, status, error, finished = _one(
        conn, "select run_id, status, error, finished_at from forecast.run")
    assert status == "failed" and "disk full (simulated)" in error and finished is not None
    assert _one(conn, "select status, error from forecast.run_shard where run_id = %s", run_id)[0] == "failed"
    for table in ("forecast_value", "selection", "backtest_metric", "plan_assignment"):
        assert _one(conn, f"select count(*) from forecast.{table}")[0] == 0, table
    assert _plan(conn) is None
    with pytest.raises(PlanfactError, match="only a succeeded run"):
        promote_plan(conn, run_id)

    monkeypatch.setattr(shards, "write_results", real_write)
    retry = _run(settings)  # a failed run is never reused
    assert not retry.reused and retry.run_id != run_id and _plan(conn) == retry.run_id


def test_three_shards_then_finalize_equal_the_unsharded_run(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    first = _run(settings, shard="1/3")
    assert first.status == "running" and f"planfact run finalize {first.run_id}" in first.summary
    with pytest.raises(PlanfactError, match="shard 2 missing; shard 3 missing"):
        finalize_run(settings, first.run_id)
    assert _plan(conn) is None
    assert _run(settings, shard="3/3").run_id == first.run_id  # joins by month, data, config, kind, n
    assert _run(settings, shard="2/3", run_id=first.run_id).run_id == first.run_id
    assert _run(settings, shard="2/3").summary.count("already written") == 1  # a retry is a no-op

    summary = finalize_run(settings, first.run_id)
    assert summary.status == "succeeded" and summary.metrics["series"] == STORES
    assert _plan(conn) == first.run_id
    assert "already finalized" in str(finalize_run(settings, first.run_id))
    shards = conn.execute("select shard_index, status, series_count from forecast.run_shard "
                          "where run_id = %s order by 1", (first.run_id,)).fetchall()
    assert [s[:2] for s in shards] == [(1, "succeeded"), (2, "succeeded"), (3, "succeeded")]
    assert sum(s[2] for s in shards) == STORES

    whole = _run(settings, force=True)
    assert _forecasts(conn, whole.run_id) == _forecasts(conn, first.run_id)
    assert conn.execute("select series_id, model_version_id, score, reason from forecast.selection "
                        "where run_id = %s order by 1", (whole.run_id,)).fetchall() == conn.execute(
        "select series_id, model_version_id, score, reason from forecast.selection "
        "where run_id = %s order by 1", (first.run_id,)).fetchall()


def test_reproduce_matches_after_later_loads(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    outcome = _run(settings)
    load_month(conn, tmp_path, JULY)  # later data must not leak into the recomputation
    result = reproduce_run(settings, outcome.run_id, progress=False)
    assert result.matches, str(result)
    assert result.compared == STORES * DAYS and result.max_abs_diff == 0.0
    assert "reproduced exactly" in str(result)

    conn.execute("update forecast.forecast_value set yhat = yhat + 1 where run_id = %s and series_id = "
                 "(select min(series_id) from forecast.forecast_value where run_id = %s)",
                 (outcome.run_id, outcome.run_id))
    conn.commit()
    tampered = reproduce_run(settings, outcome.run_id, progress=False)
    assert not tampered.matches and tampered.mismatches == DAYS and tampered.samples


def test_promote_before_the_month_and_frozen_after_its_actuals(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    first = _run(settings)
    second = _run(settings, force=True)
    experiment = _run(settings, kind="experiment")
    with pytest.raises(PlanfactError, match="experiment runs never become plans"):
        promote_plan(conn, experiment.run_id)
    assert "now the plan of record for 2015-07, replacing run" in promote_plan(conn, second.run_id)
    assert _plan(conn) == second.run_id
    assert "already is the plan" in promote_plan(conn, second.run_id)
    version = load_month(conn, tmp_path, JULY)
    with pytest.raises(PlanfactError, match=rf"frozen: its actuals were loaded in data version {version}"):
        promote_plan(conn, first.run_id)
    assert _plan(conn) == second.run_id
    log = conn.execute("select run_id from forecast.plan_assignment order by assigned_at").fetchall()
    assert log == [(first.run_id,), (second.run_id,)]


def test_readme_sql_examples_run_on_the_registry(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    outcome = _run(settings)
    load_month(conn, tmp_path, JULY)
    refresh_mart(conn)
    conn.commit()
    # Analysts and finance run these as planfact_reader: they must need nothing beyond the mart.
    conn.execute("set role planfact_reader")
    latest = conn.execute(sql_file("examples/latest_plan_per_month.sql")).fetchall()
    assert [(r[0], r[1]) for r in latest] == [(JULY, outcome.run_id)]
    assert latest[0][-2] is not None and latest[0][-1] is not None  # actual total and WAPE
    trend = conn.execute(sql_file("examples/accuracy_trend.sql")).fetchall()
    assert len(trend) == 1 and trend[0][1] == outcome.run_id and 0 <= trend[0][3] < 0.2
    assert 0 <= trend[0][5] <= 1  # 80 % coverage
    wins = conn.execute(sql_file("examples/model_wins.sql")).fetchall()
    assert sum(r[2] for r in wins) == STORES
