"""Planner statistics never wait for autovacuum: the monthly run analyzes what it bulk-writes
before the next step reads it (autovacuum is switched off here, so only that can do it)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from planfact import pipeline
from planfact.config import Settings
from planfact.runs import run_month
from support.run_data import EXPERIMENTS, load_two_versions

WRITTEN = ("core.actuals", "core.planned_exogenous", "core.data_version_month", "core.series",
           "forecast.selection", "forecast.backtest_metric", "forecast.forecast_value", "forecast.run_shard")


def _no_autovacuum(conn: psycopg.Connection) -> None:
    for table in WRITTEN:
        conn.execute(f"alter table {table} set (autovacuum_enabled = false)")
    conn.commit()


def _estimate(conn: psycopg.Connection, table: str) -> tuple[float, int]:
    """The planner's row estimate (pg_class.reltuples, -1 = never analyzed) and the true count."""
    conn.rollback()
    estimate = conn.execute("select reltuples from pg_class where oid = %s::regclass", (table,)).fetchone()
    count = conn.execute(f"select count(*) from {table}").fetchone()
    conn.rollback()
    assert estimate is not None and count is not None
    return float(estimate[0]), int(count[0])


def test_finalize_reads_forecast_tables_with_fresh_statistics(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    _no_autovacuum(conn)
    load_two_versions(conn, tmp_path)
    assert _estimate(conn, "forecast.backtest_metric")[0] == -1
    run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    for table in ("forecast.selection", "forecast.backtest_metric", "forecast.forecast_value"):
        estimate, count = _estimate(conn, table)
        assert count > 0 and estimate == count, table  # small tables: analyze counts every row


def test_landing_analyzes_what_it_loaded(settings: Settings, conn: psycopg.Connection) -> None:
    from planfact.demo.synthetic import generate
    from planfact.demo.synthetic.files import write_history, write_month_files, write_reference_files

    _no_autovacuum(conn)
    data = generate("tiny", seed=3, start="2015-01-01", end="2015-03-31")
    write_reference_files(data, settings.landing_dir)
    write_history(data, settings.landing_dir, before="2015-03-01")
    write_month_files(data, settings.landing_dir, "2015-03")
    pipeline.land_actuals(settings, "2015-02")
    first = _estimate(conn, "core.actuals")
    assert first[0] == first[1] > 0
    pipeline.land_actuals(settings, "2015-03")  # one more month: far below autovacuum's threshold
    estimate, count = _estimate(conn, "core.actuals")
    assert count > first[1] and estimate == count
