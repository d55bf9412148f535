"""Closed months: a plan file for a month whose actuals are loaded is refused.

A plan file holds the known flags of days to come (promo, open, holidays, no sales): the
forecast of a month reads them, and the month's plan of record is made from them. Once the
month's actuals are loaded the month is closed: its own flags come with its actuals, its plan of
record is frozen (``planfact.pipeline`` makes no new production run for it), and a plan loaded
now would only restate, as new versions, the inputs of a forecast already made. Finance expects
a closed month's plan to stay what it was, so the load is refused, naming the first line that
falls in such a month (a file given for the wrong month, mostly). The landing folder of the
pipeline skips such a file with a warning instead of stopping the month.
"""

from __future__ import annotations

from datetime import date, timedelta

import psycopg

from planfact.actuals.dates import parse_date
from planfact.actuals.source import iter_records
from planfact.actuals.staging import SourceFile
from planfact.db.queries import fetch_all
from planfact.errors import InputError

__all__ = ["ClosedMonthPlan", "refuse_plans_of_closed_months"]


class ClosedMonthPlan(InputError):
    """A plan file with a day of a month whose actuals are loaded."""


def _label(start: date, end: date) -> str:
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return f"{start:%Y-%m}"
    return f"the period {start}..{end}"


def refuse_plans_of_closed_months(conn: psycopg.Connection, sources: list[SourceFile]) -> None:
    """Raise ClosedMonthPlan when the staged plan rows hold a day of a closed month."""
    closed = [(row[0], row[1]) for row in fetch_all(conn, "actuals/plan_closed_periods")]
    if not closed:
        return
    for source in sources:
        column = source.layout.file_column("sale_date")
        index = source.header.index(column)
        for line_no, fields, _raw in iter_records(source.path, source.header):
            day = parse_date(fields[index]) if index < len(fields) else None
            period = next(((s, e) for s, e in closed if day is not None and s <= day <= e), None)
            if period is not None:
                raise ClosedMonthPlan(
                    f"{source.path}: line {line_no}, column {column}: {day} is in {_label(*period)}, whose "
                    "actuals are loaded: a plan holds the known flags of months to come, and a closed "
                    "month's plan stays as it was (the file was not loaded)"
                )
    start, end = closed[0]  # (not reached: the staged days come from these files)
    raise ClosedMonthPlan(f"{sources[0].path}: a day of {_label(start, end)}, whose actuals are loaded")
