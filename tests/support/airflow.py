"""Airflow in child processes: a private home, sqlite metadata (Airflow's own), JSON answers.

Airflow configures logging and its settings when first imported, so every Airflow
call of the tests runs in a child process; ``run_child("support.airflow.describe_dag", env)``
imports this module there and prints the function's answer as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from support import ROOT

__all__ = ["DAGS", "airflow_env", "run_child", "describe_dag", "describe_manual_runs"]

DAGS = ROOT / "airflow" / "dags"
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
        PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]),
    )
    env.update(extra)
    return env


def run_child(call: str, env: dict[str, str], timeout: float = 300) -> Any:
    """Run ``<module>.<function>`` (``support.airflow.describe_dag``) in a child; return its answer."""
    module, function = call.rsplit(".", 1)
    code = f"import json, {module} as m; print({MARK!r} + json.dumps(m.{function}(), default=str))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
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
    # A manual run's interval (the REST API and the UI pass its logical date): the month it names.
    july = timetable.infer_manual_data_interval(run_after=pdt(2015, 7, 1, tz="UTC"))
    mid = timetable.infer_manual_data_interval(run_after=pdt(2015, 7, 17, 9, tz="UTC"))
    restriction = TimeRestriction(earliest=dag.start_date, latest=None, catchup=dag.catchup)
    first = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    second = timetable.next_dagrun_info(
        last_automated_data_interval=first.data_interval, restriction=restriction
    )
    december = timetable.next_dagrun_info(
        last_automated_data_interval=timetable.infer_manual_data_interval(
            run_after=pdt(2015, 12, 1, tz="UTC")
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
                "logical_date": pdt(2015, 7, 1, tz="UTC"),  # the scheduled run of July
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
        mid_july=[mid.start.isoformat(), mid.end.isoformat()],
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


def describe_manual_runs() -> dict[str, Any]:
    """(child) The scheduler's timetable of the installation's calendar (``PLANFACT_CALENDAR``) on
    manual runs: what a logical date names, what the tasks read, what the schedule does next.

    A run made by ``airflow dags trigger --logical-date`` stores the interval Airflow 3.3 infers
    from the trigger time (``infer_manual_data_interval(run_after=<now>)``); the scheduler meets
    it as "run already exists" and continues from ``run_info_from_dag_run``.
    """
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.dagrun import DagRun
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.timetables.base import TimeRestriction
    from pendulum import datetime as pdt

    from planfact.calendars import installation_calendar
    from planfact.config import get_settings
    from planfact.schedule import interval_end

    bag = DagBag(dag_folder=str(DAGS))
    dag = bag.dags["planfact_monthly"]
    timetable = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable
    calendar = installation_calendar(get_settings())
    restriction = TimeRestriction(earliest=dag.start_date, latest=None, catchup=True)
    clock = pdt(2026, 12, 5, 8, 51, tz="UTC")  # when the operator typed the command
    out: dict[str, Any] = {"timetable": type(timetable).__name__, "import_errors": bag.import_errors,
                           "named": {}, "next_after_cli_run": {}}
    for day in os.environ["PLANFACT_TEST_LOGICAL_DATES"].split(","):
        logical = pdt(*map(int, day.split("-")), tz="UTC")
        named = timetable.infer_manual_data_interval(run_after=logical)
        end = interval_end(logical, calendar)
        out["named"][day] = [named.start.date().isoformat(), named.end.date().isoformat(),
                             end.isoformat() if end else None]
        stored = timetable.infer_manual_data_interval(run_after=clock)
        run = DagRun(dag_id=dag.dag_id, run_id=f"manual__{clock.isoformat()}", logical_date=logical,
                     data_interval=(stored.start, stored.end), run_after=clock, run_type="manual")
        info = timetable.run_info_from_dag_run(dag_run=run)
        following = timetable.next_dagrun_info_v2(last_dagrun_info=info, restriction=restriction)
        out["next_after_cli_run"][day] = following.logical_date.date().isoformat() if following else None
    return out
