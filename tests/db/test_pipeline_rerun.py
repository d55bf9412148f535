"""Running an older month again after newer months landed: the same data, no new production
run, no registered report changed (what clearing a month in Airflow does).

The DAG's steps are called in order for each closed month, as the DAG calls them, on small
generated data in a temporary landing folder.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from forecasting.calendar import next_month
from planfact import pipeline
from planfact.config import Settings
from planfact.periods import parse_month
from planfact.reporting.registry import verify_reports
from planfact.versions import version_as_of_month
from support import FIXTURES

EXPERIMENTS = FIXTURES / "pipeline_experiments.toml"


def _close(settings: Settings, month: str) -> dict[str, Any]:
    """The DAG's tasks for closed ``month``: land, mart, report, forecast M+1 over 2 shards."""
    version = pipeline.land_actuals(settings, month)
    pipeline.prepare_mart(settings)
    reports = pipeline.report_month(settings, month)
    target = next_month(parse_month(month))
    run = pipeline.start_forecast(settings, target, data_version=version, shard_count=2)
    for shard in (1, 2):
        pipeline.forecast_shard(settings, run, shard)
    return {"version": version, "reports": reports, "run": run,
            "headline": pipeline.finalize_forecast(settings, run, target)}


def _state(conn: psycopg.Connection) -> dict[str, Any]:
    conn.rollback()
    one = lambda q: conn.execute(q).fetchall()  # noqa: E731
    state = {
        "runs": one("select run_id, kind, target_month, status, data_version from forecast.run order by 1"),
        "plans": one("select target_month, run_id from forecast.plan_of_record order by 1"),
        "reports": one("select report_id, path, sha256 from forecast.report order by 1"),
    }
    conn.rollback()
    return state


@pytest.mark.slow  # four monthly closes of the pipeline, forecasts included
def test_an_old_month_runs_again_on_its_own_data_and_changes_nothing(
    settings: Settings, conn: psycopg.Connection, cli_env: dict[str, str]
) -> None:
    from planfact.demo.synthetic import generate
    from planfact.demo.synthetic.files import (
        write_history,
        write_month_files,
        write_reference_files,
        write_restatement,
    )

    settings = settings.model_copy(update={"experiments_file": EXPERIMENTS})
    data = generate("tiny", seed=5, start="2015-01-01", end="2015-04-30")
    landing = settings.landing_dir
    write_reference_files(data, landing)
    write_history(data, landing, before="2015-03-01")  # actuals_2015-02_history: Jan and Feb
    write_month_files(data, landing, "2015-03")  # actuals_2015-03 and plan_2015-04
    write_month_files(data, landing, "2015-04")  # actuals_2015-04

    february, march = _close(settings, "2015-02"), _close(settings, "2015-03")
    assert february["reports"] == [] and len(march["reports"]) == 2
    as_of_march = march["version"]
    april = _close(settings, "2015-04")  # a newer month landed
    assert april["version"] > as_of_march
    before = _state(conn)
    assert [r[2] for r in before["runs"]] == [dt.date(2015, 3, 1), dt.date(2015, 4, 1), dt.date(2015, 5, 1)]

    again = _close(settings, "2015-03")  # March cleared and run again
    assert again["version"] == as_of_march == version_as_of_month(conn, dt.date(2015, 3, 1))
    assert again["run"] == march["run"]  # April's plan of record; no new run: April is frozen
    assert f"run {march['run']} succeeded" in again["headline"]
    assert again["reports"] == march["reports"]  # kept: March's actuals did not change
    assert _state(conn) == before

    # A restatement of March lands later: March's report is rendered anew (a new file and row),
    # the earlier files stay as they were registered, and still no new production run.
    write_restatement(data, landing, "2015-03")
    restated = _close(settings, "2015-03")
    after = _state(conn)
    assert after["runs"] == before["runs"] and after["plans"] == before["plans"]
    assert len(after["reports"]) == len(before["reports"]) + 2
    assert after["reports"][: len(before["reports"])] == before["reports"]
    assert set(restated["reports"]).isdisjoint(march["reports"])
    checks = verify_reports(conn)
    assert [c.state for c in checks] == ["ok"] * len(after["reports"])
    for path in restated["reports"]:  # the stable name shows the newest rendering
        latest = Path(path).with_name(f"plan_fact_2015-03{Path(path).suffix}")
        assert latest.read_bytes() == Path(path).read_bytes()

    # `planfact report verify` checks every registered file against its sha256.
    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "planfact", "report", "verify"], capture_output=True,
                              text=True, env=cli_env, timeout=120)

    ok = verify()
    assert ok.returncode == 0, ok.stderr
    n = len(checks)
    assert ok.stdout.splitlines()[-1] == f"{n} registered file(s): {n} ok, 0 changed, 0 missing"
    first, second = (Path(c.path) for c in checks[:2])
    first.write_bytes(first.read_bytes() + b"tampered")
    second.unlink()
    bad = verify()
    assert bad.returncode == 1
    assert f"changed  report {checks[0].report_id}" in bad.stdout
    assert f"missing  report {checks[1].report_id}" in bad.stdout
    assert bad.stdout.splitlines()[-1].endswith("1 changed, 1 missing")
