"""The monthly DAG's timetables: a run's logical date names its month, however the run was made.

Airflow 3.3 gives a manually triggered run the data interval of
``Timetable.infer_manual_data_interval(run_after=…)``; the REST API and the UI pass the run's
logical date there, but ``airflow dags trigger --logical-date`` passes the time of the trigger
(apache/airflow#54119 kept it so), so a run triggered from the command line for 2015-10-01
stores the interval of whatever month the trigger happened in. The scheduler then takes the
next scheduled month from that stored interval when it meets the run at a logical date it
was about to schedule ("run already exists; skipping"), so one such trigger would skip every
month up to today. These two timetables, built-in ones otherwise, fix both ends:

* ``infer_manual_data_interval`` is the interval the given instant names: on calendar months
  the month holding it (``2015-07-01`` → July; Airflow's default is the month *before* it, which
  would make ``--logical-date 2015-07-01`` mean June while the scheduled run of July has that
  logical date); on a fiscal calendar the period run day at or before it (the built-in rule).
* ``run_info_from_dag_run`` takes a run's interval from its logical date, not from what was
  stored, so a manual run never moves the schedule.

The tasks read the month from the logical date too (``planfact.schedule.interval_end``), never
from the stored interval or the clock. Custom timetables must be registered with Airflow by a
plugin for the scheduler, the api-server and the dag-processor to (de)serialize the DAG:
:class:`TimetablePlugin`, found through the ``airflow.plugins`` entry point of the planfact
package, so every host where planfact is installed has it (no plugins folder to copy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.plugins_manager import AirflowPlugin
from airflow.timetables.base import DagRunInfo, DataInterval
from airflow.timetables.events import EventsTimetable
from airflow.timetables.interval import CronDataIntervalTimetable
from pendulum import UTC, DateTime, instance

if TYPE_CHECKING:
    from airflow.models.dagrun import DagRun

__all__ = ["ClosedMonthTimetable", "PeriodStartTimetable", "TimetablePlugin"]

MONTHLY = "0 0 1 * *"


def _named_run_info(timetable: Any, info: DagRunInfo, dag_run: DagRun) -> DagRunInfo:
    """``info`` with the data interval the run's logical date names (a run without one: as stored)."""
    if dag_run.logical_date is None:
        return info
    named = timetable.infer_manual_data_interval(run_after=instance(dag_run.logical_date))
    return info._replace(data_interval=named)


class ClosedMonthTimetable(CronDataIntervalTimetable):
    """Calendar months, due at midnight UTC on the 1st after each: July 2015 is 2015-07-01 .. 2015-08-01."""

    def __init__(self, cron: str = MONTHLY, timezone: Any = "UTC") -> None:
        super().__init__(cron, timezone)

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        """The month holding ``run_after`` (UTC): what the scheduled run of that logical date covers."""
        start = run_after.in_timezone(UTC).start_of("month")
        return DataInterval(start=start, end=start.add(months=1))

    def run_info_from_dag_run(self, *, dag_run: DagRun) -> DagRunInfo:
        return _named_run_info(self, super().run_info_from_dag_run(dag_run=dag_run), dag_run)


class PeriodStartTimetable(EventsTimetable):
    """A fiscal calendar: one run on the first day of each period (closing the one before it)."""

    def run_info_from_dag_run(self, *, dag_run: DagRun) -> DagRunInfo:
        return _named_run_info(self, super().run_info_from_dag_run(dag_run=dag_run), dag_run)


class TimetablePlugin(AirflowPlugin):
    """Registers the timetables with Airflow (entry point ``airflow.plugins``: ``planfact``)."""

    name = "planfact"
    timetables = [ClosedMonthTimetable, PeriodStartTimetable]
