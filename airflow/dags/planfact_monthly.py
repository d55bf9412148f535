"""planfact_monthly: one run per closed month, in order, nobody watching.

A month is a period of the installation's calendar (``PLANFACT_CALENDAR``, planfact.schedule).
On calendar months the data interval of a run is the month that just closed: the run for July
2015 has 2015-07-01 .. 2015-08-01 and starts at midnight UTC on August 1st; on a fiscal
calendar a run is due on the first day of each period. Either way the closed month is the
one holding the day before the interval's end, the month to forecast the one starting at
it; the sensor waits (reschedule mode, a worker slot is not held) until the actuals land.

wait_for_actuals -> land_actuals -> prepare_mart -> report_month -> start_forecast
  -> forecast_shard x N (dynamic task mapping) -> finalize_forecast -> notify

This file only wires tasks: each task calls one ``planfact.pipeline`` function with
a month (``'YYYY-MM'``, from the data interval the run's logical date names, never the
clock) or a run id. planfact is imported inside the tasks so that parsing this file stays
fast. The logical date, not the stored interval, because ``airflow dags trigger
--logical-date`` in Airflow 3.3 stores the interval of the trigger time (planfact.timetables);
a scheduled run's logical date is its interval's start, so both agree for every scheduled
run. A manual trigger without a logical date has no month: its first task fails at once,
not retried, with a planfact message saying how to trigger or re-run a month.

Database: the Airflow connection ``planfact_db`` when defined (any postgres connection,
e.g. ``AIRFLOW_CONN_PLANFACT_DB`` or a secrets backend), else ``PLANFACT_DATABASE_URL``.
Every other setting is a ``PLANFACT_*`` variable as for the command line.

DAG shape, fields of the one Settings class read when the dag-processor parses this file:
``PLANFACT_DAG_START_DATE`` (first month to run, default 2013-01-01; with catchup every
month since then runs, oldest first), ``PLANFACT_SHARDS`` (forecast shards, default 2),
``PLANFACT_SENSOR_TIMEOUT_HOURS`` (default 168), ``PLANFACT_SENSOR_POKE_MINUTES``
(default 30), ``PLANFACT_RETRY_DELAY_MINUTES`` (default 5) and ``PLANFACT_DAG_END_DATE`` (unset).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import (
    ExceptionRetryPolicy,
    RetryAction,
    RetryRule,
    dag,
    task,
)

from planfact.config import get_settings
from planfact.schedule import dag_timetable

CONNECTION_ID = "planfact_db"
# The DAG's shape comes from the one Settings class (light to import: no pandas, no engine).
SHAPE = get_settings()
SHARDS = SHAPE.shards
START_DATE = dt.datetime.combine(SHAPE.dag_start_date, dt.time(), tzinfo=dt.UTC)
# The last month to run (a bounded backfill, a retired deployment); its run is due on the
# first day of the month after it.
END_DATE = (dt.datetime.combine(SHAPE.dag_end_date, dt.time(), tzinfo=dt.UTC)
            if SHAPE.dag_end_date else None)
SENSOR_TIMEOUT = dt.timedelta(hours=SHAPE.sensor_timeout_hours)
SENSOR_POKE = dt.timedelta(minutes=SHAPE.sensor_poke_minutes)
RETRY_DELAY = dt.timedelta(minutes=SHAPE.retry_delay_minutes)

# Transient failures (a lost connection, a locked row, the server restarting) are
# retried with exponential back-off; bad input and failed data tests fail at once:
# a retry cannot fix them and a person has to look. UsageError stays retryable as it
# also reports an unreachable database.
RETRY_POLICY = ExceptionRetryPolicy(
    rules=[
        RetryRule(exception="planfact.errors.UsageError", action=RetryAction.DEFAULT),
        RetryRule(
            exception="planfact.errors.PlanfactError",
            action=RetryAction.FAIL,
            reason="bad input or failed data test: not transient, see the message above",
        ),
    ]
)


def _on_failure(context: Any) -> None:
    """A task failed for good (retries spent): say so on the webhook, in one line."""
    from planfact.pipeline import notify

    error = str(context.get("exception") or "unknown error").strip().splitlines() or ["unknown error"]
    logical_date = context.get("logical_date")
    month = _closed(logical_date) if logical_date else "(no logical date)"
    notify(_settings(), f"planfact {month}: FAILED in {context['task_instance'].task_id}: {error[0]}")


DEFAULT_ARGS: dict[str, Any] = {
    "owner": "planfact",
    "depends_on_past": True,  # a month never runs before the previous one succeeded
    "retries": 3,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": dt.timedelta(hours=1),
    "retry_policy": RETRY_POLICY,
    "on_failure_callback": _on_failure,
}


def _settings() -> Any:
    """planfact Settings; the ``planfact_db`` connection, when defined, names the database."""
    from airflow.sdk import BaseHook

    from planfact.pipeline import task_settings

    try:
        uri = BaseHook.get_connection(CONNECTION_ID).get_uri()
    except Exception:  # not defined: the environment (PLANFACT_DATABASE_URL) decides
        uri = None
    return task_settings(uri)


def _month(logical_date: dt.datetime | None) -> str:
    """The month (period) to forecast: the one starting at the end of the run's data interval."""
    from planfact.calendars import installation_calendar
    from planfact.pipeline import interval_month
    from planfact.schedule import interval_end

    calendar = installation_calendar(SHAPE)
    return interval_month(interval_end(logical_date, calendar), calendar)


def _closed(logical_date: dt.datetime | None) -> str:
    """The closed month (period): the one holding the day before the data interval's end."""
    from planfact.calendars import installation_calendar
    from planfact.pipeline import interval_month
    from planfact.schedule import interval_end

    calendar = installation_calendar(SHAPE)
    end = interval_end(logical_date, calendar)
    return interval_month(end - dt.timedelta(days=1) if end is not None else None, calendar)


@dag(
    dag_id="planfact_monthly",
    description="Monthly plan-vs-actual: land actuals, mart, report, forecast next month",
    # monthly on calendar months, period starts on fiscal ones; planfact's timetables
    # (registered by its Airflow plugin) so that a logical date always names its month
    schedule=dag_timetable(SHAPE),
    start_date=START_DATE,
    end_date=END_DATE,
    catchup=True,
    max_active_runs=1,
    # A month that fails for good pauses the schedule (in the scheduler's own transaction), so
    # the next month's run is never started while this one waits to be fixed: that run would
    # hold the only active slot waiting on depends_on_past, and the cleared month could never
    # run again. Fix the cause, clear the month, unpause (airflow/README.md).
    max_consecutive_failed_dag_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["planfact", "monthly", "forecast"],
    doc_md=__doc__,
)
def planfact_monthly() -> None:
    @task.sensor(mode="reschedule", poke_interval=SENSOR_POKE.total_seconds(),
                 timeout=SENSOR_TIMEOUT.total_seconds())
    def wait_for_actuals(logical_date: dt.datetime | None = None) -> bool:
        from planfact.pipeline import actuals_available

        return actuals_available(_settings(), _closed(logical_date))

    @task
    def land_actuals(logical_date: dt.datetime | None = None) -> int | None:
        from planfact.pipeline import land_actuals

        return land_actuals(_settings(), _closed(logical_date), loaded_by="airflow")

    @task
    def prepare_mart() -> None:
        from planfact.pipeline import prepare_mart

        prepare_mart(_settings())

    @task
    def report_month(logical_date: dt.datetime | None = None) -> list[str]:
        from planfact.pipeline import report_month

        return report_month(_settings(), _closed(logical_date))

    @task
    def start_forecast(data_version: int | None, logical_date: dt.datetime | None = None) -> int | None:
        from planfact.pipeline import start_forecast

        # The first day of the month to forecast; None: its plan is frozen and it has none.
        return start_forecast(
            _settings(), _month(logical_date), data_version=data_version, shard_count=SHARDS
        )

    @task(max_active_tis_per_dagrun=SHARDS)
    def forecast_shard(forecast_run: int | None, shard: int) -> None:
        from planfact.pipeline import forecast_shard

        forecast_shard(_settings(), forecast_run, shard)

    @task
    def finalize_forecast(forecast_run: int | None, logical_date: dt.datetime | None = None) -> str:
        from planfact.pipeline import finalize_forecast

        return finalize_forecast(_settings(), forecast_run, _month(logical_date))

    @task(retries=0)
    def notify(
        data_version: int | None,
        reports: list[str],
        forecast: str,
        logical_date: dt.datetime | None = None,
    ) -> str:
        from planfact.calendars import installation_calendar
        from planfact.pipeline import notify, summarize

        summary = summarize(_closed(logical_date), data_version, reports, forecast,
                            installation_calendar(SHAPE))
        notify(_settings(), summary)
        return summary

    version = land_actuals()
    mart = prepare_mart()
    reports = report_month()
    # "forecast_run", not "run_id": Airflow reserves run_id for the DAG run's own id.
    forecast_run = start_forecast(version)
    shards = forecast_shard.partial(forecast_run=forecast_run).expand(shard=list(range(1, SHARDS + 1)))
    summary = finalize_forecast(forecast_run)

    wait_for_actuals() >> version >> mart >> reports >> forecast_run
    shards >> summary
    notify(version, reports, summary)


planfact_monthly()
