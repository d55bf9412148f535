"""Months and shard specs as people and schedulers give them: parsed once, at the boundary.

Every command and task turns ``'2015-07'`` (or ``'2015-07-01'``, or a date on the 1st) into
the ``datetime.date`` of the month's first day here, with the same rules and the same error;
inside, months are dates and their arithmetic is :mod:`forecasting.calendar`'s.
"""

from __future__ import annotations

import datetime as dt
import re

from planfact.errors import UsageError

__all__ = ["parse_month", "parse_shard"]

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
