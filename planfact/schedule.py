"""The monthly DAG's timetable: one run per period of the installation's calendar.

Calendar months keep the cron schedule (``0 0 1 * *``: the run for July has the logical date
2015-07-01 and the data interval 2015-07-01 .. 2015-08-01). A fiscal calendar has no cron: its
runs are due on the first day of every period (Airflow's ``EventsTimetable``), each run's data
interval and logical date are that instant, and the tasks read the closed period as the one
ending the day before the interval's end and the period to forecast as the one starting on it,
which on calendar months is the same reading as the interval's start.

Both are planfact's subclasses (``planfact.timetables``, registered by the package's Airflow
plugin) so that a run's month is the one its logical date names, also for a manual run
triggered from the command line, whose stored interval Airflow 3.3 takes from the clock;
``interval_end`` is the tasks' side of the same rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forecasting.calendar import Calendar, MonthCalendar, periods_between
from planfact.calendars import installation_calendar
from planfact.config import Settings
from planfact.periods import LAST_DAY

__all__ = ["dag_timetable", "interval_end", "run_days"]


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
    from planfact.timetables import ClosedMonthTimetable, PeriodStartTimetable

    if isinstance(installation_calendar(settings), MonthCalendar):
        return ClosedMonthTimetable()
    import pendulum

    events = [pendulum.datetime(day.year, day.month, day.day, tz="UTC") for day in run_days(settings)]
    calendar = installation_calendar(settings)
    return PeriodStartTimetable(event_dates=events, restrict_to_events=True, presorted=True,
                           description=f"first day of each period ({settings.calendar}: "
                                       f"{getattr(calendar, 'spec', lambda: '')()})")


def interval_end(logical_date: dt.datetime | None, calendar: Calendar) -> dt.date | None:
    """The end of the data interval a run's logical date names: the day the run closes its month on.

    On calendar months the logical date names the month holding it (UTC), as the scheduled run
    of that month has its first day (2015-07-01: July, the interval ends 2015-08-01); on a fiscal
    calendar it names the period run day at or before it (the first day of the period holding
    it, which closes the period before). What ``planfact.timetables`` gives the same logical
    date; None (a run without a logical date) stays None.
    """
    if logical_date is None:
        return None
    day = logical_date.astimezone(dt.UTC).date() if logical_date.tzinfo else logical_date.date()
    period = calendar.period_of(day)
    if isinstance(calendar, MonthCalendar):
        return calendar.shift(period, 1).start
    return period.start
