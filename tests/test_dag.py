"""The monthly DAG: it imports cleanly, and its graph, schedule, intervals and retries are right.

Airflow configures logging and its own settings when first imported, so every Airflow
call runs in a child process with a private ``AIRFLOW_HOME`` (nothing leaks into the
other tests); the child prints one JSON line that the tests read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import ROOT as PROJECT_ROOT

DAGS = PROJECT_ROOT / "airflow" / "dags"
MARK = "PLANFACT-JSON "


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment of a child process with its own Airflow home and metadata (sqlite, Airflow's only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PLANFACT_"))}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home / 'airflow.db'}",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), str(PROJECT_ROOT)]),
    )
    env.update(extra)
    return env


def run_child(call: str, env: dict[str, str], timeout: float = 300) -> Any:
    """Run ``test_dag.<call>`` (or another module's function) in a child; return its JSON answer."""
    module, function = call.rsplit(".", 1) if "." in call else ("test_dag", call)
    code = f"import json, {module} as m; print({MARK!r} + json.dumps(m.{function}(), default=str))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert done.returncode == 0 and lines, (
        f"child failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    return json.loads(lines[-1][len(MARK) :])


def describe_dag() -> dict[str, Any]:
    """(child) Parse the DAG folder and describe the DAG, its timetable and its retry policy."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.timetables.base import TimeRestriction
    from pendulum import datetime as pdt

    bag = DagBag(dag_folder=str(DAGS))
    out: dict[str, Any] = {"import_errors": bag.import_errors, "dag_ids": sorted(bag.dags)}
    dag = bag.dags.get("planfact_monthly")
    if dag is None:
        return out
    # The scheduler's view: the serialized DAG (this also proves the DAG serializes).
    timetable = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable
    july = timetable.infer_manual_data_interval(run_after=pdt(2015, 8, 1, tz="UTC"))
    mid = timetable.infer_manual_data_interval(run_after=pdt(2015, 8, 17, 9, tz="UTC"))
    restriction = TimeRestriction(earliest=dag.start_date, latest=None, catchup=dag.catchup)
    first = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    second = timetable.next_dagrun_info(
        last_automated_data_interval=first.data_interval, restriction=restriction
    )
    december = timetable.next_dagrun_info(
        last_automated_data_interval=timetable.infer_manual_data_interval(
            run_after=pdt(2016, 1, 1, tz="UTC")
        ),
        restriction=restriction,
    )
    tasks = {}
    for task in dag.tasks:
        tasks[task.task_id] = {
            "type": type(task).__name__,
            "upstream": sorted(task.upstream_task_ids),
            "retries": task.retries,
            "backoff": task.retry_exponential_backoff,
            "retry_delay_s": task.retry_delay.total_seconds(),
            "max_retry_delay_s": task.max_retry_delay.total_seconds() if task.max_retry_delay else None,
            "depends_on_past": task.depends_on_past,
            "mode": getattr(task, "mode", None),
            "timeout_s": getattr(task, "timeout", None),
            "poke_interval_s": getattr(task, "poke_interval", None),
            # TaskFlow keeps the mapped function arguments apart from operator arguments.
            "expand": getattr(getattr(task, "op_kwargs_expand_input", None), "value", None),
        }
    from planfact.errors import InputError, PlanfactError, UsageError

    policy = dag.get_task("land_actuals").retry_policy
    decisions = {
        name: policy.evaluate(exc, try_number=1, max_tries=4).action.value
        for name, exc in {
            "input": InputError("x.csv line 3"),
            "planfact": PlanfactError("data test failed"),
            "usage": UsageError("cannot connect"),
            "os": ConnectionResetError("reset"),
        }.items()
    }
    # The failure callback reports the month, the task and the first line of the error.
    import planfact.pipeline

    sent: list[str] = []
    planfact.pipeline.notify = lambda settings, summary: sent.append(summary)  # type: ignore[assignment]
    callback = dag.get_task("prepare_mart").on_failure_callback
    callbacks = callback if isinstance(callback, list) else [callback]

    class _TI:
        task_id = "prepare_mart"

    for call in callbacks:
        call(
            {
                "exception": PlanfactError("data test unique failed on mart.sales_daily\nsample: ..."),
                "data_interval_start": pdt(2015, 7, 1, tz="UTC"),
                "task_instance": _TI(),
            }
        )
    out.update(
        failure_messages=sent,
        tasks=tasks,
        max_active_runs=dag.max_active_runs,
        catchup=dag.catchup,
        tags=sorted(dag.tags),
        start_date=dag.start_date.isoformat(),
        timetable=type(timetable).__name__,
        july=[july.start.isoformat(), july.end.isoformat()],
        mid_august=[mid.start.isoformat(), mid.end.isoformat()],
        first=[
            first.data_interval.start.isoformat(),
            first.data_interval.end.isoformat(),
            first.run_after.isoformat(),
        ],
        second=[second.data_interval.start.isoformat(), second.data_interval.end.isoformat()],
        after_december=[december.data_interval.start.isoformat(), december.data_interval.end.isoformat()],
        decisions=decisions,
    )
    return out


@pytest.fixture(scope="module")
def described(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("airflow-parse")
    env = airflow_env(home, PLANFACT_SHARDS="3", PLANFACT_DAG_START_DATE="2015-06-01")
    return run_child("describe_dag", env)


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
    assert described["timetable"] == "CronDataIntervalTimetable"
    # The run for July 2015 covers July and starts when July has closed.
    assert described["july"] == ["2015-07-01T00:00:00+00:00", "2015-08-01T00:00:00+00:00"]
    assert described["mid_august"] == described["july"]
    assert described["first"] == [
        "2015-06-01T00:00:00+00:00",
        "2015-07-01T00:00:00+00:00",
        "2015-07-01T00:00:00+00:00",
    ]
    assert described["second"] == ["2015-07-01T00:00:00+00:00", "2015-08-01T00:00:00+00:00"]
    assert described["after_december"] == ["2016-01-01T00:00:00+00:00", "2016-02-01T00:00:00+00:00"]
    assert described["start_date"].startswith("2015-06-01")


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
