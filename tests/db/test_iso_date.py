"""One date rule, two executions: ``planfact.actuals.dates`` (Python) and ``core.iso_date`` (SQL)
hold the same pattern and read every text alike."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from planfact.actuals.dates import ISO_DATE, parse_date
from planfact.db.queries import sql_file

# (text, the day it names by the rule, or None)
EXAMPLES = [
    ("2015-07-01", date(2015, 7, 1)),
    ("2016-02-29", date(2016, 2, 29)),
    ("0001-01-01", date(1, 1, 1)),
    ("2015-02-30", None),
    ("2015-13-01", None),
    ("today", None),
    ("20150701", None),
    ("2015/07/01", None),
    ("Jul 1 2015", None),
    ("2015.182", None),
    ("2015-7-1", None),
    ("2015-07-01 00:00:00", None),
    ("2015-07-01T23:59:59+14:00", None),
    ("infinity", None),
    ("-infinity", None),
    (" 2015-07-01", None),
    ("2015-07-01 ", None),
    ("2015-07-01\n", None),
    ("2015-W27-3", None),
    ("+2015-07-01", None),
    ("2015-07-0١", None),  # an Arabic-Indic digit: \d would take it
    ("", None),
]


def test_the_sql_twin_holds_the_same_pattern() -> None:
    assert f"p_text ~ '{ISO_DATE}'" in sql_file("core/iso_date.sql")


@pytest.mark.parametrize(("text", "day"), EXAMPLES)
def test_python_and_sql_read_a_date_alike(conn: psycopg.Connection, text: str, day: date | None) -> None:
    assert parse_date(text) == day
    try:
        with conn.transaction():
            row = conn.execute("select core.iso_date(%s)", (text,)).fetchone()
        found = row[0] if row else None
    except psycopg.errors.DatetimeFieldOverflow:  # the form, but no such day
        found = None
        assert day is None and text[:4].isdigit()
    assert found == day
