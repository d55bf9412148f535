"""Retail fiscal calendars: 4-4-5, 4-5-4 and 5-4-4 weeks per quarter, with a 53rd week when due.

A fiscal year is whole weeks ending on one weekday (``week_end``, e.g. Friday or Saturday).
It ends on that weekday either *last* in its year-end month (``rule="last"``) or *nearest*
to the month's last day (``rule="nearest"``, the NRF rule). So most years have 52 weeks and
every five or six years one has 53: the extra week goes to period ``leap_period`` (the last
one by default). Each quarter's three periods have the weeks of ``pattern``: "445" is 4, 4
and 5 weeks.

A fiscal year is named by the year it starts in or ends in (``year_label``): by default the
year it starts in when it ends in January or February (NRF style: the year ending on
2013-01-25 is FY2012, as nearly all of it lies in 2012) and else the year of its year-end
month (a year ending in June 2015 is FY2015). Periods are labelled ``FY2012 P10``;
:meth:`RetailCalendar.parse` also reads ``2012-P10`` and ``FY2012-P10``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from forecasting.calendar import Period, month_end

__all__ = ["PATTERNS", "WEEKDAYS", "RetailCalendar"]

PATTERNS = {"445": (4, 4, 5), "454": (4, 5, 4), "544": (5, 4, 4)}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_LABEL = re.compile(r"^(?:FY)?\s*(\d{4})\s*[- ]?\s*P(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class RetailCalendar:
    """A 4-4-5 family fiscal calendar; see the module docstring for the rules."""

    pattern: str = "445"
    year_end_month: int = 1
    week_end: str = "sat"
    rule: str = "last"
    leap_period: int = 12
    year_label: str = "auto"
    kind: str = "retail"

    def __post_init__(self) -> None:
        if self.pattern not in PATTERNS:
            raise ValueError(f"pattern must be one of {sorted(PATTERNS)}, got {self.pattern!r}")
        if not 1 <= self.year_end_month <= 12:
            raise ValueError(f"year_end_month must be 1..12, got {self.year_end_month}")
        if self.week_end not in WEEKDAYS:
            raise ValueError(f"week_end must be one of {list(WEEKDAYS)}, got {self.week_end!r}")
        if self.rule not in ("last", "nearest"):
            raise ValueError(f"rule must be 'last' or 'nearest', got {self.rule!r}")
        if not 1 <= self.leap_period <= 12:
            raise ValueError(f"leap_period must be 1..12, got {self.leap_period}")
        if self.year_label not in ("auto", "start", "end"):
            raise ValueError(f"year_label must be 'auto', 'start' or 'end', got {self.year_label!r}")

    @property
    def _by_start(self) -> bool:
        if self.year_label == "auto":
            return self.year_end_month <= 2
        return self.year_label == "start"

    # --- years -----------------------------------------------------------------------
    def year_end(self, calendar_year: int) -> dt.date:
        """The last day of the fiscal year that ends in ``year_end_month`` of ``calendar_year``."""
        return _year_end(calendar_year, self.year_end_month, WEEKDAYS[self.week_end], self.rule)

    def _label_year(self, end_year: int) -> int:
        # ``end_year`` is the calendar year of the year-end month (a "nearest" year end may
        # fall a few days into the next calendar year; the name does not move with it).
        return end_year - 1 if self._by_start else end_year

    def _end_year(self, label_year: int) -> int:
        return label_year + 1 if self._by_start else label_year

    def year_weeks(self, label_year: int) -> int:
        """52 or 53: the number of weeks in fiscal year ``label_year``."""
        end_year = self._end_year(label_year)
        return (self.year_end(end_year) - self.year_end(end_year - 1)).days // 7

    def _periods(self, label_year: int) -> tuple[Period, ...]:
        return _year_periods(self, label_year)

    # --- the Calendar protocol -----------------------------------------------------------
    def period_of(self, day: dt.date) -> Period:
        """The fiscal period containing ``day``."""
        end_year = day.year if day <= self.year_end(day.year) else day.year + 1
        if day <= self.year_end(end_year - 1):
            end_year -= 1
        for period in self._periods(self._label_year(end_year)):
            if period.start <= day <= period.end:
                return period
        raise AssertionError(f"no period holds {day}")  # periods tile the year by construction

    def shift(self, period: Period, count: int) -> Period:
        """The period ``count`` periods after ``period`` (negative: before)."""
        index = period.year * 12 + period.number - 1 + count
        return self._periods(index // 12)[index % 12]

    def label(self, period: Period) -> str:
        """``FY2012 P10``."""
        return f"FY{period.year} P{period.number}"

    def parse(self, text: str) -> Period:
        """``'2012-P10'``, ``'FY2012 P10'`` -> that period; ValueError otherwise."""
        match = _LABEL.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"expected a fiscal period such as 2012-P10 or FY2012 P10, got {text!r}")
        return self._periods(int(match.group(1)))[int(match.group(2)) - 1]

    def spec(self) -> str:
        """For logs and the registry, e.g. ``445 year-end jan, weeks end sat (last)``."""
        month = dt.date(2000, self.year_end_month, 1).strftime("%b").lower()
        return f"{self.pattern} year-end {month}, weeks end {self.week_end} ({self.rule})"


@lru_cache(maxsize=512)
def _year_end(calendar_year: int, month: int, weekday: int, rule: str) -> dt.date:
    last_day = month_end(dt.date(calendar_year, month, 1))
    back = (last_day.weekday() - weekday) % 7  # days back to the last such weekday of the month
    last = last_day - dt.timedelta(days=back)
    if rule == "nearest" and back > 3:
        return last + dt.timedelta(days=7)  # the next one, in the following month, is nearer
    return last


@lru_cache(maxsize=512)
def _year_periods(calendar: RetailCalendar, label_year: int) -> tuple[Period, ...]:
    end_year = calendar._end_year(label_year)
    start = calendar.year_end(end_year - 1) + dt.timedelta(days=1)
    weeks = list(PATTERNS[calendar.pattern]) * 4
    if calendar.year_weeks(label_year) == 53:
        weeks[calendar.leap_period - 1] += 1
    periods = []
    for number, count in enumerate(weeks, start=1):
        end = start + dt.timedelta(days=7 * count - 1)
        periods.append(Period(start, end, label_year, number, count))
        start = end + dt.timedelta(days=1)
    return tuple(periods)
