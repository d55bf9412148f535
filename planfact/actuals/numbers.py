"""The one rule for a number in a file: a plain decimal, as people and exports write it.

A decimal is an optional minus, digits, optionally a point and digits, optionally an exponent
(``e`` or ``E``, an optional sign, digits): ``-1234.5``, ``1.5e3``, ``1e+05``. An integer is an
optional minus and digits. Python's ``int()``/``float()`` and PostgreSQL 16's numeric input
also take ``0x10``, ``0b11``, ``0o17``, ``1_000``, a space at either end, ``+5``, ``.5`` and
``5.``; a file's number is refused in those forms, never read as some other value.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["DECIMAL", "INTEGER", "is_decimal", "is_integer", "surely_plain"]

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


def _bytes(*values: int) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(values)] = True
    return table


_ODD = _bytes(0x20, 0x09, 0x0B, 0x0C, ord("+"), ord("."))  # (whitespace, plus, point)
_EDGE = _bytes(ord(","), ord("\n"), ord("\r"), ord('"'))  # (where a field starts or ends)
_DIGIT = _bytes(*range(ord("0"), ord("9") + 1))
_EXPONENT = _bytes(ord("e"), ord("E"))


def surely_plain(data: bytes) -> bool:
    """Whether no field of the CSV ``data`` can hold a number that pandas' C parser reads but
    the rule refuses (a space or tab at a field's edge, a plus not after an exponent's e, a
    point without a digit on both sides: `` 10``, ``+5``, ``.5``, ``5.``). Byte by byte, for
    every column: False also for text such as ``St. Louis``, which only costs the straight path
    (the staged path then reads the file by the rule). Hexadecimal, underscores and the like
    pandas reads as text, which the straight path refuses by itself. grain: the whole file."""
    raw = np.frombuffer(data, dtype=np.uint8)
    at = np.flatnonzero(_ODD[raw])
    if at.size == 0:
        return True
    before = raw[np.maximum(at - 1, 0)].copy()
    before[at == 0] = ord("\n")
    after = raw[np.minimum(at + 1, raw.size - 1)].copy()
    after[at == raw.size - 1] = ord("\n")
    byte = raw[at]
    plus, point = byte == ord("+"), byte == ord(".")
    padded = ~plus & ~point & (_EDGE[before] | _EDGE[after])
    signed = plus & ~_EXPONENT[before]
    bare = point & ~(_DIGIT[before] & _DIGIT[after])
    return not (padded | signed | bare).any()
