"""Per-series flags and run warnings reach the database: a new store born 10 days before the
target month gets a cold-start forecast, flagged in forecast.series_flag, the run's warnings,
mart.run_registry, `planfact runs show` and the finalize headline (the DAG's notice)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import psycopg

from planfact.actuals import load_actuals
from planfact.config import Settings
from planfact.mart import refresh_mart
from planfact.runs import finalize_run, run_month
from support.cli_run import database_env, run_cli
from support.run_data import EXPERIMENTS, FIRST_DAY, load_two_versions, rossmann_frame, write_rossmann


def _new_store(conn: psycopg.Connection, folder: Path) -> None:
    """Store 7: ten days of sales, 2015-06-21 .. 2015-06-30."""
    frame = rossmann_frame(FIRST_DAY, dt.date(2015, 6, 30), seed=9)
    frame = frame[(frame["Store"] == 6) & (pd.to_datetime(frame["Date"]) >= "2015-06-21")].copy()
    frame["Store"] = 7
    result = load_actuals(conn, write_rossmann(frame, folder / "store7.csv"), new_series=True)
    assert result.version_id is not None, result.message


def test_cold_start_flags_and_warnings_reach_the_registry(
    settings: Settings, conn: psycopg.Connection, db_url: str, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    _new_store(conn, tmp_path)
    summary = run_month(settings, "2015-07", experiments=EXPERIMENTS, progress=False)
    run_id = summary.run_id
    assert summary.status == "succeeded"
    # Finalizing again returns the headline the DAG's notify step sends.
    assert "1 warning(s): 1 series had too little history" in finalize_run(settings, run_id).headline()
    conn.rollback()
    flags = conn.execute("select series_id, flag, reason from forecast.series_flag "
                         "where run_id = %s", (run_id,)).fetchall()
    assert len(flags) == 1 and flags[0][1] == "cold_start"
    assert "10 day(s) of actuals" in flags[0][2]
    series = flags[0][0]
    days, model, total = conn.execute(
        "select count(*), min(mv.model_name), sum(f.yhat) from forecast.forecast_value as f "
        "join forecast.model_version as mv using (model_version_id) "
        "where f.run_id = %s and f.series_id = %s", (run_id, series)).fetchone()
    assert (days, model) == (31, "cold_start") and total > 0
    (warnings,) = conn.execute("select warnings from forecast.run where run_id = %s",
                               (run_id,)).fetchone()
    assert any("cold-start" in w for w in warnings)
    refresh_mart(conn)
    conn.commit()
    row = conn.execute("select warnings, flagged_series, flags from mart.run_registry "
                       "where run_id = %s", (run_id,)).fetchone()
    assert row == (warnings, 1, "cold_start 1")
    with database_env(db_url):
        shown = run_cli("runs", "show", str(run_id))
    assert shown.code == 0, shown.stderr
    assert "warning: 1 series had too little history" in shown.stdout
    # Flagged series are named as the discontinued ones are: by their reader's label, not an id.
    (label,) = conn.execute("select label from mart.member_label "
                            "where level = 'series' and member = %s", (str(series),)).fetchone()
    assert label.startswith("Store 7")
    assert f"flag cold_start: 1 series, e.g. {label}: cold start" in shown.stdout
