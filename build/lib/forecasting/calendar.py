"""Calendar months: the one owner of month arithmetic (the engine's folds and the application).

A month is the ``datetime.date`` of its first day. Parsing what people type
(``'2015-07'``) is the application's job (``planfact.periods``); everything here is pure.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "add_months",
    "month_start",
    "month_end",
    "is_month_end",
    "next_month",
    "previous_month",
    "month_days",
    "month_cutoff",
    "months_between",
    "target_month",
]


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
    return month_start(month) - dt.timedelta(days=1)


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
