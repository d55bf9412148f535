"""Target months and shard specs as the command line and the Airflow tasks give them.

A target month is the date of its first day; the run's cutoff is the day before, so
the model sees nothing of the month it forecasts.
"""

from __future__ import annotations

import datetime as dt
import re

from forecasting.errors import UsageError

__all__ = ["parse_month", "month_cutoff", "month_last_day", "next_month", "parse_shard"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_month(value: str | dt.date) -> dt.date:
    """``'2015-07'`` (or ``'2015-07-01'`` or a date on the 1st) -> ``date(2015, 7, 1)``."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.day != 1:
            raise UsageError(f"month: expected the first day of a month, got {value.isoformat()}")
        return value
    match = _MONTH.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UsageError(f"month: expected YYYY-MM, got {value!r}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_cutoff(month: dt.date) -> dt.date:
    """The last day of history a forecast of ``month`` may use: the day before it starts."""
    return month - dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_last_day(month: dt.date) -> dt.date:
    """The last day of ``month``."""
    return next_month(month) - dt.timedelta(days=1)


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
    return index, count
