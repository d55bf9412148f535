"""The installation's calendar: declared once in the settings, recorded in the database at first use.

``PLANFACT_CALENDAR`` is ``month`` (calendar months, the default) or a retail fiscal calendar
``445`` / ``454`` / ``544`` with ``PLANFACT_FISCAL_YEAR_END_MONTH``, ``PLANFACT_FISCAL_WEEK_END``
and ``PLANFACT_FISCAL_WEEK_RULE`` (:class:`forecasting.retail_calendar.RetailCalendar`). Every
"month" of the system is a period of it, identified by its first day: ``planfact run month``,
the DAG's data interval, the mart's monthly views (``core.calendar_period``), the export's
horizon and the reports.

The first command or task that uses a database records the calendar there
(``core.calendar_setting``, ``core.calendar_period``, ``core.calendar.period_start``); a later
one whose settings name another calendar is refused, naming the setting: plans, reports and
the mart of one database never mix calendars.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import psycopg

from forecasting.calendar import Calendar, MonthCalendar, Period, periods_between
from forecasting.retail_calendar import RetailCalendar
from planfact.config import Settings, get_settings
from planfact.db.locks import advisory_lock
from planfact.db.queries import execute, fetch_one
from planfact.errors import UsageError
from planfact.periods import FIRST_DAY, LAST_DAY, period_problem

__all__ = [
    "installation_calendar",
    "calendar_spec",
    "period_label",
    "period_header",
    "period_rows",
    "record_calendar",
    "use_calendar",
    "period_argument",
]


def installation_calendar(settings: Settings) -> Calendar:
    """The calendar the settings declare (pure: nothing is read or recorded)."""
    if settings.calendar == "month":
        return MonthCalendar()
    return RetailCalendar(settings.calendar, year_end_month=settings.fiscal_year_end_month,
                          week_end=settings.fiscal_week_end, rule=settings.fiscal_week_rule)


def calendar_spec(calendar: Calendar) -> tuple[str, str]:
    """(kind, whole definition): ``('month', 'calendar months')`` or ``('445', '445 year-end jan, ...')``."""
    if isinstance(calendar, RetailCalendar):
        return calendar.pattern, calendar.spec()
    return "month", "calendar months"


def period_label(calendar: Calendar, period: Period) -> str:
    """The short name people type and files carry: ``2015-07`` or ``FY2012-P10``."""
    if isinstance(calendar, RetailCalendar):
        return f"FY{period.year}-P{period.number:02d}"
    return calendar.label(period)


def period_header(calendar: Calendar, period: Period) -> str:
    """The header of a report: ``P10 FY2012, 4 weeks, 2012-10-27..2012-11-23`` (months: days)."""
    if period.weeks is not None:
        return (f"P{period.number} FY{period.year}, {period.weeks} weeks, "
                f"{period.start.isoformat()}..{period.end.isoformat()}")
    return f"{period.start:%B %Y}, {period.days} days, {period.start.isoformat()}..{period.end.isoformat()}"


def period_rows(calendar: Calendar) -> dict[str, list[Any]]:
    """Every period covering the system's days (2000..2040), as arrays for ``core.calendar_period``."""
    periods = periods_between(calendar, FIRST_DAY, LAST_DAY)
    return {
        "period_ids": [p.year * 100 + p.number for p in periods],
        "labels": [period_label(calendar, p) for p in periods],
        "starts": [p.start for p in periods],
        "ends": [p.end for p in periods],
        "weeks": [p.weeks for p in periods],
        "years": [p.year for p in periods],
        "numbers": [p.number for p in periods],
    }


def _mismatch(recorded: tuple[str, str], wanted: tuple[str, str]) -> UsageError:
    return UsageError(
        f"bad setting PLANFACT_CALENDAR: this database runs on {recorded[1]} (recorded at its first use), "
        f"the settings say {wanted[1]}; set PLANFACT_CALENDAR={recorded[0]} (and the PLANFACT_FISCAL_* "
        "settings) as recorded, or use another database: one database never mixes calendars"
    )


def record_calendar(conn: psycopg.Connection, calendar: Calendar) -> bool:
    """Record ``calendar`` in the database if none is; refuse another one. True when recorded now."""
    wanted = calendar_spec(calendar)
    row = fetch_one(conn, "calendar/recorded")
    if row is not None:
        if (row[0], row[1]) != wanted:
            raise _mismatch((row[0], row[1]), wanted)
        return False
    with conn.transaction(), advisory_lock(conn, "calendar", "record"):
        row = fetch_one(conn, "calendar/recorded")  # another process may have recorded it meanwhile
        if row is not None:
            if (row[0], row[1]) != wanted:
                raise _mismatch((row[0], row[1]), wanted)
            return False
        execute(conn, "calendar/record_setting", {"kind": wanted[0], "spec": wanted[1]})
        execute(conn, "calendar/insert_periods", period_rows(calendar))
        execute(conn, "calendar/map_days")
    return True


def use_calendar(conn: psycopg.Connection, settings: Settings) -> Calendar:
    """The settings' calendar, recorded in (or checked against) the database of ``conn``."""
    calendar = installation_calendar(settings)
    record_calendar(conn, calendar)
    return calendar


def period_argument(value: str) -> dt.date:
    """A month for argparse (``type=period_argument``) on the settings' calendar: the first day
    of the period it names (on calendar months exactly ``periods.month_argument``)."""
    try:
        calendar = installation_calendar(get_settings())
    except UsageError:  # bad settings: the command stops on them with its own message
        calendar = MonthCalendar()
    start, problem = period_problem(value, calendar)
    if start is None:
        raise argparse.ArgumentTypeError(problem)
    return start
