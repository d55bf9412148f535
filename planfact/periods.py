"""Months, days and shard specs as people and schedulers give them: parsed once, at the boundary.

Every command and task turns ``'2015-07'`` (or ``'2015-07-01'``, or a date on the 1st) into
the ``datetime.date`` of the month's first day here, with the same rules and the same error;
inside, months are dates and their arithmetic is :mod:`forecasting.calendar`'s. Months and
days lie within the calendar the database holds (``core.calendar``, 2000-01-01..2040-12-31),
the range every file's dates are checked against.

On a fiscal calendar (``planfact.calendars``) a "month" is a period of it: ``parse_period``
reads ``FY2015-P07`` (or ``2015-P07``, ``FY2015 P7``) or any day inside the period, and gives
the period's first day; on calendar months it is ``parse_month``, word for word.

Command-line arguments use the ``*_argument`` variants (argparse ``type=``): argparse then
names the argument, so every command words a bad month the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

from forecasting.calendar import Calendar, MonthCalendar
from planfact.errors import UsageError

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_SHARDS",
    "parse_month",
    "parse_period",
    "period_problem",
    "parse_day",
    "parse_shard",
    "month_argument",
    "day_argument",
]

FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2040, 12, 31)  # the calendar's range
MAX_SHARDS = 64  # shards of one run: --shard i/n and PLANFACT_SHARDS
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHARD = re.compile(r"^(\d+)/(\d+)$")
_MONTHS = f"{FIRST_DAY:%Y-%m}..{LAST_DAY:%Y-%m}"


def _month_problem(value: str | dt.date) -> tuple[dt.date | None, str]:
    """(the month, '') or (None, what is wrong with ``value``)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.day != 1:
            return None, f"expected the first day of a month, got {value.isoformat()}"
        month = value
    else:
        match = _MONTH.match(str(value).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None, f"expected YYYY-MM, got {value!r}"
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if not FIRST_DAY <= month <= LAST_DAY:
        return None, f"expected a month in {_MONTHS} (the calendar), got {month:%Y-%m}"
    return month, ""


def parse_month(value: str | dt.date) -> dt.date:
    """``'2015-07'`` (or ``'2015-07-01'`` or a date on the 1st) -> ``date(2015, 7, 1)``."""
    month, problem = _month_problem(value)
    if month is None:
        raise UsageError(f"month: {problem}")
    return month


def month_argument(value: str) -> dt.date:
    """``parse_month`` for argparse (``type=month_argument``): the error names the argument."""
    month, problem = _month_problem(value)
    if month is None:
        raise argparse.ArgumentTypeError(problem)
    return month


def period_problem(value: str | dt.date, calendar: Calendar) -> tuple[dt.date | None, str]:
    """(the first day of the period, '') or (None, what is wrong with ``value``)."""
    if isinstance(calendar, MonthCalendar):
        return _month_problem(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    day: dt.date | None = value if isinstance(value, dt.date) else None
    if day is None and _DAY.match(str(value).strip()):
        day, problem = _day_problem(str(value))
        if day is None:
            return None, problem
    if day is not None:
        if not FIRST_DAY <= day <= LAST_DAY:
            return None, f"expected a day in {FIRST_DAY}..{LAST_DAY} (the calendar), got {day}"
        return calendar.period_of(day).start, ""
    try:
        period = calendar.parse(str(value))
    except ValueError:
        return None, f"expected a fiscal period such as FY2015-P07, or a day in it, got {value!r}"
    if period.end < FIRST_DAY or period.start > LAST_DAY:
        return None, f"expected a period within {FIRST_DAY}..{LAST_DAY} (the calendar), got {value!r}"
    return period.start, ""


def parse_period(value: str | dt.date, calendar: Calendar) -> dt.date:
    """The first day of the period of ``calendar`` that ``value`` names (months: ``parse_month``)."""
    start, problem = period_problem(value, calendar)
    if start is None:
        raise UsageError(f"month: {problem}")
    return start


def _day_problem(value: str) -> tuple[dt.date | None, str]:
    text = str(value).strip()
    try:
        day = dt.date.fromisoformat(text) if _DAY.match(text) else None
    except ValueError:
        day = None
    if day is None:
        return None, f"expected a day YYYY-MM-DD, got {value!r}"
    if not FIRST_DAY <= day <= LAST_DAY:
        return None, f"expected a day in {FIRST_DAY}..{LAST_DAY} (the calendar), got {day}"
    return day, ""


def parse_day(value: str | dt.date) -> dt.date:
    """``'2015-07-14'`` -> ``date(2015, 7, 14)`` (within the calendar)."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    day, problem = _day_problem(value)
    if day is None:
        raise UsageError(f"day: {problem}")
    return day


def day_argument(value: str) -> dt.date:
    """``parse_day`` for argparse (``type=day_argument``)."""
    day, problem = _day_problem(value)
    if day is None:
        raise argparse.ArgumentTypeError(problem)
    return day


def parse_shard(value: str | tuple[int, int]) -> tuple[int, int]:
    """``'2/3'`` -> ``(2, 3)``: shard 2 of 3, 1-based."""
    if isinstance(value, tuple):
        index, count = value
    else:
        match = _SHARD.match(str(value).strip())
        if not match:
            raise UsageError(f"--shard: expected i/n such as 2/3, got {value!r}")
        index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise UsageError(f"--shard: need 1 <= i <= n, got {index}/{count}")
    if count > MAX_SHARDS:
        raise UsageError(f"--shard: a run has at most {MAX_SHARDS} shards, got {index}/{count}")
    return index, count
