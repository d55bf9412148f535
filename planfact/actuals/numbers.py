"""The one rule for a number in a file: a plain decimal, as people and exports write it.

A decimal is an optional minus, digits, optionally a point and digits, optionally an exponent
(``e`` or ``E``, an optional sign, digits): ``-1234.5``, ``1.5e3``, ``1e+05``. An integer is an
optional minus and digits. Python's ``int()``/``float()`` and PostgreSQL 16's numeric input
also take ``0x10``, ``0b11``, ``0o17``, ``1_000``, a space at either end, ``+5``, ``.5`` and
``5.``; a file's number is refused in those forms, never read as some other value.
"""

from __future__ import annotations

import re

__all__ = ["DECIMAL", "INTEGER", "is_decimal", "is_integer"]

# Anchored patterns (ASCII digits only: \d would take other scripts' digits in Python).
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
INTEGER = r"^-?[0-9]+$"
_DECIMAL = re.compile(DECIMAL)
_INTEGER = re.compile(INTEGER)


def is_decimal(text: str) -> bool:
    """Whether ``text`` is a number in the plain form of the module doc (fullmatch: '$' alone
    would let a trailing newline pass)."""
    return _DECIMAL.fullmatch(text) is not None


def is_integer(text: str) -> bool:
    """Whether ``text`` is an integer: an optional minus and digits."""
    return _INTEGER.fullmatch(text) is not None
