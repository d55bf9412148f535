"""The monthly DAG end to end: ``dag.test()`` for two consecutive months, then a rerun.

Against the test PostgreSQL (planfact's data) with generated monthly files in a
temporary landing folder. Airflow runs in a child process with a private home and a
sqlite file for its own metadata (that is Airflow's store, not ours); a webhook on
127.0.0.1 receives the monthly summaries.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest

from support import ROOT as PROJECT_ROOT
from support.airflow import airflow_env, run_child

PLANS = "select target_month::text, run_id from forecast.plan_of_record"
EXPERIMENTS = PROJECT_ROOT / "tests" / "fixtures" / "pipeline_experiments.toml"


def run_months() -> list[dict[str, Any]]:
    """(child) ``dag.test()`` each month of ``PLANFACT_TEST_MONTHS`` in order; describe every run.

    One child runs them all (importing Airflow and starting its in-process API costs
    half a minute); the planfact database is described after each run.
    """
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"]).dags["planfact_monthly"]
    described = []
    for month in os.environ["PLANFACT_TEST_MONTHS"].split(","):
        year, number = map(int, month.split("-"))
        # A month's run has the logical date of its first day, as the scheduled one
        # (dag.test infers the interval from it, as the REST API and the UI do).
        run = dag.test(logical_date=dt.datetime(year, number, 1, tzinfo=dt.UTC))
        described.append(
            {
                "month": month,
                "state": str(run.state),
                "interval": [run.data_interval_start.isoformat(), run.data_interval_end.isoformat()],
                "tasks": {
                    f"{ti.task_id}[{ti.map_index}]" if ti.map_index >= 0 else ti.task_id: str(ti.state)
                    for ti in run.get_task_instances()
                },
                "db": _state(os.environ["PLANFACT_DATABASE_URL"]),
            }
        )
    return described


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"path": self.path, "body": json.loads(body)})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Hook", (_Hook,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/secret-token", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Airflow home whose metadata database (sqlite) is migrated once."""
    home = tmp_path_factory.mktemp("airflow-run")
    done = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=airflow_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return home


def _landing(folder: Path) -> list[str]:
    """Reference files, Jan..Jun 2015 as one backlog file named for June, then July."""
    from planfact.demo.synthetic import generate
    from planfact.demo.synthetic.files import write_history, write_month_files, write_reference_files

    data = generate("tiny", seed=11, start="2015-01-01", end="2015-07-31")
    write_reference_files(data, folder)
    write_history(data, folder, before="2015-07-01")
    july = write_month_files(data, folder, "2015-07")
    assert july.plan is None  # the data end with July: no plan file, so loads are actuals only
    return sorted(p.name for p in folder.iterdir())


def _state(url: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:

        def one(query: str) -> Any:
            row = conn.execute(query).fetchone()
            return row[0] if row else None

        return {
            "versions": one("select count(*) from core.data_version"),
            "actual_rows": one("select count(*) from core.actuals"),
            "runs": one("select count(*) from forecast.run"),
            "succeeded_production": one(
                "select count(*) from forecast.run where status = 'succeeded' and kind = 'production'"
            ),
            "assignments": one("select count(*) from forecast.plan_assignment"),
            "forecast_rows": one("select count(*) from forecast.forecast_value"),
            "reports": one("select count(*) from forecast.report"),
            "report_months": one("select array_agg(distinct target_month::text) from forecast.report"),
            "report_paths": one("select array_agg(path order by path) from forecast.report"),
            "plans": dict(
                conn.execute("select target_month::text, run_id from forecast.plan_of_record").fetchall()
            ),
            "shards": one("select array_agg(distinct shard_count) from forecast.run"),
        }


@pytest.mark.slow
def test_two_months_run_end_to_end_and_a_rerun_changes_nothing(
    db_url: str, tmp_path: Path, airflow_home: Path, webhook: tuple[str, list[dict[str, Any]]]
) -> None:
    pytest.importorskip("planfact.demo.synthetic.files", reason="needs the generator of issue 9")
    hook_url, received = webhook
    landing = tmp_path / "landing"
    files = _landing(landing)
    assert files == [
        "actuals_2015-06_history.csv.gz",
        "actuals_2015-07.csv.gz",
        "holidays_events.csv.gz",
        "stores.csv.gz",
    ]
    env = airflow_env(
        airflow_home,
        PLANFACT_DATABASE_URL=db_url,
        PLANFACT_LANDING_DIR=str(landing),
        PLANFACT_REPORT_DIR=str(tmp_path / "reports"),
        PLANFACT_STATE_DIR=str(tmp_path / "state"),
        PLANFACT_EXPERIMENTS_FILE=str(EXPERIMENTS),
        PLANFACT_WORKERS="1",
        PLANFACT_SHARDS="2",
        PLANFACT_DAG_START_DATE="2015-06-01",
        PLANFACT_WEBHOOK_URL=hook_url,
        PLANFACT_TEST_MONTHS="2015-06,2015-07,2015-07",
    )
    runs = run_child("e2e.test_dag_run.run_months", env, timeout=900)

    assert [r["month"] for r in runs] == ["2015-06", "2015-07", "2015-07"]
    assert runs[1]["interval"] == ["2015-07-01T00:00:00+00:00", "2015-08-01T00:00:00+00:00"]
    expected_tasks = {
        "wait_for_actuals",
        "land_actuals",
        "prepare_mart",
        "report_month",
        "start_forecast",
        "forecast_shard[0]",
        "forecast_shard[1]",
        "finalize_forecast",
        "notify",
    }
    for run in runs:
        assert run["state"] == "success", run
        assert set(run["tasks"]) == expected_tasks
        assert set(run["tasks"].values()) == {"success"}, run["tasks"]

    june = runs[0]["db"]
    assert june["versions"] == 1 and june["reports"] == 0  # no plan of record for June: report skipped
    assert set(june["plans"]) == {"2015-07-01"}
    after = runs[1]["db"]
    assert after["versions"] == 2  # the backlog named for June, then July
    assert after["succeeded_production"] == 2 and after["runs"] == 2
    assert set(after["plans"]) == {"2015-07-01", "2015-08-01"}  # the plan of record of the next month
    assert after["report_months"] == ["2015-07-01"]
    assert after["reports"] == 2  # one report, as Excel and HTML
    assert all(Path(p).is_file() for p in after["report_paths"])
    assert after["shards"] == [2]
    # The same month again: nothing is loaded, forecast, assigned or rendered anew.
    assert runs[2]["db"] == after

    assert len(received) == 3
    assert all(r["path"] == "/hooks/secret-token" for r in received)
    texts = [r["body"]["text"] for r in received]
    assert texts[0].startswith("planfact 2015-06: data version 1; report: skipped (no plan of record)")
    assert texts[1].startswith("planfact 2015-07: data version 2; report: 2 files;")
    assert "2015-08" in texts[1]
    assert texts[2].startswith("planfact 2015-07: data version 2; report: 2 files;")
    assert texts[2].split("; ")[2].split(":")[0] == texts[1].split("; ")[2].split(":")[0]  # the same run
