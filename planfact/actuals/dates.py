"""The one rule for a date in a file: exactly ``YYYY-MM-DD``, a day that exists.

Every file kind (actuals, plan, holidays; ``data split-months``) and both load paths read a
date by this rule and word a broken one alike. PostgreSQL's own date input is lenient (it
takes ``today``, ``20150701``, ``Jul 1 2015``, ``2015-7-1``, ``infinity``, a time after the
day...), so the database never casts a file's date with it: its twin is ``core.iso_date``
(``sql/core/iso_date.sql``), the same pattern, kept equal to ``ISO_DATE`` by a test. The
calendar's range (``planfact.periods.FIRST_DAY``..``LAST_DAY``) is a separate row rule.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["ISO_DATE", "DATE_FORM", "parse_date", "date_problem"]

# The pattern, anchored; sql/core/iso_date.sql holds it verbatim (ASCII digits only: \d would
# take other scripts' digits in Python).
ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_FORM = "YYYY-MM-DD"
_ISO = re.compile(ISO_DATE)


def parse_date(text: str) -> date | None:
    """The day ``text`` names in exactly the form YYYY-MM-DD, else None (any other form, a
    space at either end, or no such day: 2015-02-30)."""
    if not _ISO.fullmatch(text):  # (fullmatch: '$' alone would let a trailing newline pass)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_problem(text: str) -> str:
    """How a refused date is worded, in every file kind and by both load paths."""
    return f"unparsable date {text!r} (expected {DATE_FORM})"
