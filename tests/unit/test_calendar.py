"""Calendars: months, and retail 4-4-5 / 4-5-4 / 5-4-4 fiscal calendars with 53-week years.

The fiscal calendar is checked day by day against an independent brute-force implementation
(below: it scans every date for year ends and counts weeks) and against published facts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from forecasting.calendar import MonthCalendar, periods_between
from forecasting.retail_calendar import PATTERNS, WEEKDAYS, RetailCalendar

FIRST, LAST = dt.date(2001, 6, 1), dt.date(2034, 6, 30)


def _brute_year_ends(month: int, weekday: int, rule: str) -> list[dt.date]:
    """Every fiscal year end 1999..2036, found by scanning the days themselves."""
    ends = []
    for year in range(1999, 2037):
        month_last = pd.Timestamp(year=year, month=month, day=1).days_in_month
        target = dt.date(year, month, month_last)
        candidates = [target + dt.timedelta(days=d) for d in range(-10, 11)]
        candidates = [d for d in candidates if d.weekday() == weekday]
        if rule == "last":
            ends.append(max(d for d in candidates if d.month == month and d.year == year))
        else:
            ends.append(min(candidates, key=lambda d: abs((d - target).days)))
    return ends


def _brute_periods(pattern: str, month: int, weekday: int, rule: str, leap: int) -> dict[dt.date, tuple]:
    """day -> (label year, period number, period start, period end, weeks), the slow way."""
    ends = _brute_year_ends(month, weekday, rule)
    out: dict[dt.date, tuple] = {}
    for anchor_year, previous, end in zip(range(2000, 2037), ends[:-1], ends[1:], strict=True):
        start = previous + dt.timedelta(days=1)
        # Named by the year it starts in for January/February year ends, else the year-end month's.
        label = anchor_year - 1 if month <= 2 else anchor_year
        weeks = [w for _ in range(4) for w in (int(c) for c in pattern)]
        if (end - previous).days == 371:
            weeks[leap - 1] += 1
        day = start
        for number, count in enumerate(weeks, start=1):
            period_end = day + dt.timedelta(days=7 * count - 1)
            d = day
            while d <= period_end:
                out[d] = (label, number, day, period_end, count)
                d += dt.timedelta(days=1)
            day = period_end + dt.timedelta(days=1)
        assert day == end + dt.timedelta(days=1)
    return out


@pytest.mark.parametrize(
    ("pattern", "month", "week_end", "rule", "leap"),
    [("445", 1, "fri", "last", 12), ("454", 1, "sat", "nearest", 12), ("544", 12, "sun", "last", 12),
     ("445", 6, "sat", "nearest", 3)],
)
def test_retail_calendar_matches_an_independent_implementation(
    pattern: str, month: int, week_end: str, rule: str, leap: int
) -> None:
    calendar = RetailCalendar(pattern, month, week_end, rule, leap)
    expected = _brute_periods(pattern, month, WEEKDAYS[week_end], rule, leap)
    day = FIRST
    while day <= LAST:
        p = calendar.period_of(day)
        assert (p.year, p.number, p.start, p.end, p.weeks) == expected[day], day
        day += dt.timedelta(days=1)


def test_the_issue_example_and_nrf_53_week_years() -> None:
    c445 = RetailCalendar("445", year_end_month=1, week_end="fri", rule="last")
    p10 = c445.parse("FY2012 P10")
    assert (p10.start, p10.end, p10.weeks, c445.label(p10)) == (
        dt.date(2012, 10, 27), dt.date(2012, 11, 23), 4, "FY2012 P10")
    nrf = RetailCalendar("454", year_end_month=1, week_end="sat", rule="nearest")
    assert [y for y in range(2010, 2031) if nrf.year_weeks(y) == 53] == [2012, 2017, 2023, 2028]
    fy2023 = nrf.parse("2023-P1"), nrf.parse("FY2023-P12")
    assert fy2023[0].start == dt.date(2023, 1, 29) and fy2023[1].end == dt.date(2024, 2, 3)
    assert fy2023[1].weeks == 5  # 4-5-4's last period plus the 53rd week


def test_shift_walks_periods_and_years() -> None:
    c = RetailCalendar("445", 1, "fri", "last")
    p = c.parse("2012-P10")
    assert c.label(c.shift(p, 3)) == "FY2013 P1" and c.label(c.shift(p, -10)) == "FY2011 P12"
    periods = periods_between(c, dt.date(2012, 1, 1), dt.date(2014, 12, 31))
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in zip(periods, periods[1:], strict=False))
    assert sum(p.weeks or 0 for p in periods if p.year == 2012) == c.year_weeks(2012)


def test_month_calendar_matches_pandas() -> None:
    c = MonthCalendar()
    for text in ("2015-07", "2016-02", "2015-12"):
        period = c.parse(text)
        expected = pd.Period(text, freq="M")
        assert (period.start, period.end, period.days) == (
            expected.start_time.date(), expected.end_time.date(), expected.days_in_month)
        assert c.label(c.shift(period, 1)) == (expected + 1).strftime("%Y-%m")


@pytest.mark.parametrize("bad", ["2012-P13", "P10", "FY12 P1", "2012/10"])
def test_bad_labels_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="fiscal period"):
        RetailCalendar().parse(bad)


def test_bad_settings_are_refused() -> None:
    for kwargs in ({"pattern": "444"}, {"year_end_month": 13}, {"week_end": "friday"}, {"rule": "first"}):
        with pytest.raises(ValueError):
            RetailCalendar(**kwargs)  # type: ignore[arg-type]
    assert set(PATTERNS) == {"445", "454", "544"}


def test_year_label_can_name_years_by_their_end() -> None:
    by_start = RetailCalendar("445", 1, "fri", "last")
    by_end = RetailCalendar("445", 1, "fri", "last", year_label="end")
    assert by_end.parse("2013-P10") == by_start.parse("2012-P10").__class__(
        **{**by_start.parse("2012-P10").__dict__, "year": 2013})
    with pytest.raises(ValueError, match="year_label"):
        RetailCalendar(year_label="middle")
