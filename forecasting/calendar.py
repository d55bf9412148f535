"""Calendars: the one owner of month and period arithmetic (the engine's folds and the application).

A month is the ``datetime.date`` of its first day. A :class:`Calendar` cuts time into
reporting periods (:class:`Period`): calendar months (:class:`MonthCalendar`, the default) or
a retail fiscal calendar (``forecasting.retail_calendar``). Parsing what people type is done
once at the application's boundary (``planfact.periods``); everything here is pure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "add_months",
    "month_start",
    "month_end",
    "is_month_end",
    "next_month",
    "previous_month",
    "month_days",
    "month_cutoff",
    "period_cutoff",
    "months_between",
    "target_month",
    "Period",
    "Calendar",
    "MonthCalendar",
    "periods_between",
    "target_period",
]

_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``month``'s (negative: before)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``'s."""
    return add_months(month, 1)


def previous_month(month: dt.date) -> dt.date:
    """The first day of the month before ``month``'s."""
    return add_months(month, -1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return next_month(day) - dt.timedelta(days=1)


def is_month_end(day: dt.date) -> bool:
    """True when ``day`` is the last day of its month."""
    return day == month_end(day)


def month_days(month: dt.date) -> int:
    """Number of days in ``month``'s month."""
    return month_end(month).day


def month_cutoff(month: dt.date) -> dt.date:
    """The last day of history a forecast of ``month`` may use: the day before it starts."""
    return period_cutoff(month_start(month))


def period_cutoff(start: dt.date) -> dt.date:
    """The last day of history a forecast of the period starting on ``start`` may use."""
    return start - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The months from ``first``'s to ``last``'s, both included (empty if ``last`` is earlier)."""
    out, month = [], month_start(first)
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def target_month(cutoff: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month after ``cutoff`` (which must be a month end)."""
    if not is_month_end(cutoff):
        raise ValueError(f"cutoff {cutoff} is not the last day of a month")
    start = cutoff + dt.timedelta(days=1)
    return start, month_end(start)


# --- calendars of reporting periods -------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period of a calendar, ``start`` .. ``end`` inclusive (a month or a fiscal period).

    ``start`` identifies the period everywhere in the system (as the first day identifies a
    month); ``year`` and ``number`` (1..12) name it; ``weeks`` is None for calendar months.
    """

    start: dt.date
    end: dt.date
    year: int
    number: int
    weeks: int | None = None

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1


class Calendar(Protocol):
    """What the system needs of a calendar: which period a day is in, and stepping by periods."""

    @property
    def kind(self) -> str: ...

    def period_of(self, day: dt.date) -> Period: ...

    def shift(self, period: Period, count: int) -> Period: ...

    def label(self, period: Period) -> str: ...

    def parse(self, text: str) -> Period: ...


class MonthCalendar:
    """Calendar months: ``2015-07`` is July 2015 (the system's default calendar)."""

    kind = "month"

    def period_of(self, day: dt.date) -> Period:
        """The month containing ``day``."""
        return Period(month_start(day), month_end(day), day.year, day.month)

    def shift(self, period: Period, count: int) -> Period:
        """The month ``count`` months after ``period`` (negative: before)."""
        return self.period_of(add_months(period.start, count))

    def label(self, period: Period) -> str:
        """``YYYY-MM``."""
        return f"{period.start:%Y-%m}"

    def parse(self, text: str) -> Period:
        """``'2015-07'`` (or ``'2015-07-01'``) -> July 2015; ValueError otherwise."""
        match = _MONTH_TEXT.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"expected YYYY-MM, got {text!r}")
        return self.period_of(dt.date(int(match.group(1)), int(match.group(2)), 1))

    def __repr__(self) -> str:
        return "MonthCalendar()"


def periods_between(calendar: Calendar, first: dt.date, last: dt.date) -> list[Period]:
    """The periods of ``calendar`` from the one containing ``first`` to the one containing ``last``."""
    out: list[Period] = []
    period = calendar.period_of(first)
    while period.start <= last:
        out.append(period)
        period = calendar.shift(period, 1)
    return out


def target_period(calendar: Calendar, cutoff: dt.date) -> Period:
    """The period after ``cutoff``, which must be the last day of a period of ``calendar``.

    On calendar months this is :func:`target_month` as a :class:`Period` (same error).
    """
    if isinstance(calendar, MonthCalendar):
        start, _end = target_month(cutoff)
        return calendar.period_of(start)
    period = calendar.period_of(cutoff + dt.timedelta(days=1))
    if period.start != cutoff + dt.timedelta(days=1):
        raise ValueError(f"cutoff {cutoff} is not the last day of a period of the calendar")
    return period
