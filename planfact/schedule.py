"""The monthly DAG's timetable: one run per period of the installation's calendar.

Calendar months keep the cron timetable (``0 0 1 * *``: the run for July has the data
interval 2015-07-01 .. 2015-08-01). A fiscal calendar has no cron: its runs are due on the
first day of every period (Airflow's ``EventsTimetable``, built in, so the scheduler needs no
plugin), each run's data interval is that instant, and the tasks read the closed period as
the one ending the day before the interval's end and the period to forecast as the one
starting on it, which on calendar months is the same reading as the interval's start.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forecasting.calendar import MonthCalendar, periods_between
from planfact.calendars import installation_calendar
from planfact.config import Settings
from planfact.periods import LAST_DAY

__all__ = ["dag_timetable", "run_days"]


def run_days(settings: Settings) -> list[dt.date]:
    """The days fiscal runs are due: the first day of every period after ``dag_start_date``'s
    (each closes the period before it) up to ``dag_end_date``'s following period, or 2040."""
    calendar = installation_calendar(settings)
    last = settings.dag_end_date or LAST_DAY
    periods = periods_between(calendar, settings.dag_start_date, last)
    days = [p.start for p in periods[1:]]
    if settings.dag_end_date is not None:
        days.append(calendar.shift(periods[-1], 1).start)  # the run that closes the end's period
    return days


def dag_timetable(settings: Settings) -> Any:
    """The DAG's ``schedule``: cron on calendar months, the periods' first days on fiscal ones."""
    from airflow.sdk import CronDataIntervalTimetable, EventsTimetable

    if isinstance(installation_calendar(settings), MonthCalendar):
        return CronDataIntervalTimetable("0 0 1 * *", timezone="UTC")
    import pendulum

    events = [pendulum.datetime(day.year, day.month, day.day, tz="UTC") for day in run_days(settings)]
    calendar = installation_calendar(settings)
    return EventsTimetable(event_dates=events, restrict_to_events=True, presorted=True,
                           description=f"first day of each period ({settings.calendar}: "
                                       f"{getattr(calendar, 'spec', lambda: '')()})")
