"""One number rule, two executions: ``planfact.actuals.numbers`` (Python) and ``core.is_decimal``
/ ``core.is_integer`` (SQL) hold the same patterns and read every text alike (issue 24,
outsider D2: PostgreSQL 16 and Python read 0x10, 1_000, ' 10' as numbers)."""

from __future__ import annotations

import psycopg
import pytest

from planfact.actuals.numbers import DECIMAL, INTEGER, is_decimal, is_integer
from planfact.db.queries import sql_file

# (text, a decimal by the rule, an integer by the rule)
EXAMPLES = [
    ("10", True, True),
    ("-10", True, True),
    ("007", True, True),
    ("10.5", True, False),
    ("-0.0001", True, False),
    ("1e3", True, False),
    ("1.5E+03", True, False),
    ("1e-5", True, False),
    ("0x10", False, False),
    ("0b11", False, False),
    ("0o17", False, False),
    ("1_000", False, False),
    (" 10", False, False),
    ("10 ", False, False),
    (" 10.0 ", False, False),
    ("+5", False, False),
    (".5", False, False),
    ("5.", False, False),
    ("1.e3", False, False),
    ("NaN", False, False),
    ("Infinity", False, False),
    ("12,5", False, False),
    ("1\n", False, False),
    ("١٢", False, False),  # Arabic-Indic digits: \d would take them
    ("", False, False),
]


def test_the_sql_twins_hold_the_same_patterns() -> None:
    assert f"p_text ~ '{DECIMAL}'" in sql_file("core/is_decimal.sql")
    assert f"p_text ~ '{INTEGER}'" in sql_file("core/is_integer.sql")


@pytest.mark.parametrize(("text", "decimal", "integer"), EXAMPLES)
def test_python_and_sql_read_a_number_alike(
    conn: psycopg.Connection, text: str, decimal: bool, integer: bool
) -> None:
    assert (is_decimal(text), is_integer(text)) == (decimal, integer)
    row = conn.execute("select core.is_decimal(%s), core.is_integer(%s)", (text, text)).fetchone()
    assert row == (decimal, integer)
