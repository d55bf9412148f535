"""Reference tables: stores (Rossmann store.csv, Favorita stores.csv) and holidays (Favorita).

These files are small (hundreds of rows), so they are parsed in Python, checked line by line
against their contract (``planfact.actuals.contracts``), sent with one COPY into a temp table
and upserted with one statement. A file of another kind (a sales file given to ``load
stores``, say) is refused by its header before a line is read. Stores and holidays are
reference data, not versioned facts: a load updates them in place.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import psycopg

from planfact.actuals.contracts import HOLIDAY_HEADER, HOLIDAY_TYPES, STORE_ID_NAMES, sniff_kind
from planfact.actuals.dates import date_problem, parse_date
from planfact.actuals.loader import LOAD_LOCK
from planfact.actuals.numbers import is_decimal, is_integer
from planfact.actuals.source import iter_records, read_header
from planfact.db.locks import advisory_lock
from planfact.db.queries import execute, statement
from planfact.errors import InputError
from planfact.periods import FIRST_DAY, LAST_DAY

__all__ = ["load_stores", "load_holidays", "STORE_COLUMNS", "STORE_NUMBERS"]

# Header names (lowercased) that fill a named column of core.store; the rest go to attributes.
STORE_COLUMNS: dict[str, str] = {
    **{name: "store_id" for name in STORE_ID_NAMES},
    "store_name": "store_name",
    "name": "store_name",
    "city": "city",
    "state": "state",
    "storetype": "store_type",
    "store_type": "store_type",
    "type": "store_type",
    "cluster": "cluster",
    "assortment": "assortment",
}
# Attributes with a declared type: (integer only, lowest, highest).
STORE_NUMBERS: dict[str, tuple[bool, float, float]] = {
    "competitiondistance": (False, 0, math.inf),
    "competitionopensincemonth": (True, 1, 12),
    "competitionopensinceyear": (True, 1900, 2100),
    "promo2": (True, 0, 1),
    "promo2sinceweek": (True, 1, 53),
    "promo2sinceyear": (True, 1900, 2100),
}
_STORE_FIELDS = ("store_id", "store_name", "city", "state", "store_type", "cluster", "assortment")
_PER_DAY = {
    "date",
    "sale_date",
    "day",
    "ds",
    "dayofweek",
    "day_of_week",
    "sales",
    "customers",
    "open",
    "promo",
    "onpromotion",
    "stateholiday",
    "schoolholiday",
    "transferred",
}
_SCOPES = {"national", "regional", "local"}
_TRUE = {"1", "t", "true", "y", "yes", "on"}
_FALSE = {"", "0", "f", "false", "n", "no", "off"}


def _refuse_kind(path: Path, header: list[str], expected: str) -> None:
    seen = sniff_kind(header)
    if seen and seen[0] != expected:
        raise InputError(
            f"{path}: line 1: the header is {seen[1]}, not {expected}; load it with `planfact load {seen[0]}`"
        )


def _store_header(path: Path, header: list[str]) -> list[str | None]:
    _refuse_kind(path, header, "stores")
    seen: dict[str, str] = {}
    targets: list[str | None] = []
    for name in header:
        lower = name.lower()
        if not name or lower in seen:
            raise InputError(f"{path}: line 1, column {name}: the column appears twice (or has no name)")
        if lower in _PER_DAY:
            raise InputError(
                f"{path}: line 1, column {name}: a stores file has one row per store and no per-day "
                "columns; load sales with `planfact load actuals`, holidays with `planfact load holidays`"
            )
        target = STORE_COLUMNS.get(lower)
        if target and target in seen.values():
            other = next(h for h, t in seen.items() if t == target)
            raise InputError(f"{path}: line 1, column {name}: gives {target} like column {other}")
        seen[lower] = target or ""
        targets.append(target)
    if "store_id" not in targets:
        raise InputError(f"{path}: line 1: no store column (Store, store_nbr or store_id) in the header")
    return targets


def load_stores(conn: psycopg.Connection, path: Path) -> int:
    """Upsert the stores of ``path``; returns the number of stores in the file."""
    path = Path(path)
    header = read_header(path)
    targets = _store_header(path, header)
    rows: list[tuple] = []
    seen: dict[str, int] = {}
    key_column = header[targets.index("store_id")]
    for line_no, fields, _raw in iter_records(path, header):
        if len(fields) != len(header):
            raise InputError(f"{path}: line {line_no}: expected {len(header)} fields, found {len(fields)}")
        named: dict[str, str | None] = {f: None for f in _STORE_FIELDS}
        attributes = {}
        for name, target, value in zip(header, targets, fields, strict=True):
            if target:
                named[target] = value.strip() or None
            elif value.strip() != "":
                attributes[name] = _attribute(path, line_no, name, value)
        store_id = named["store_id"]
        if not store_id:
            raise InputError(f"{path}: line {line_no}, column {key_column}: empty key column")
        if store_id in seen:
            raise InputError(
                f"{path}: line {line_no}, column {key_column}: store {store_id} also on line {seen[store_id]}"
            )
        seen[store_id] = line_no
        rows.append((*named.values(), json.dumps(attributes)))
    if not rows:
        raise InputError(f"{path}: line 2: no stores after the header (nothing was loaded)")
    with conn.transaction(), advisory_lock(conn, *LOAD_LOCK):
        execute(conn, "actuals/create_store_stage")
        with conn.cursor() as cur, cur.copy(statement("actuals/copy_store_stage")) as copy:
            for row in rows:
                copy.write_row(row)
        execute(conn, "actuals/upsert_stores")
    return len(rows)


def _attribute(path: Path, line_no: int, name: str, value: str) -> object:
    """Numbers stay numbers in the attributes jsonb (CompetitionDistance), the rest is text;
    declared attributes must be numbers in their range (an integer column: digits), and no number
    may be NaN or infinite. Numbers by the one rule (``numbers``): ``1_0``, ``0x10`` or a padded
    number are no numbers (text in another column)."""
    declared = STORE_NUMBERS.get(name.lower())
    if declared is None and not is_decimal(value.strip()):
        if value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise InputError(f"{path}: line {line_no}, column {name}: not a finite number: {value!r}")
        return value.strip()
    if declared and value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise InputError(f"{path}: line {line_no}, column {name}: not a finite number: {value!r}")
    if declared and not (is_integer(value) if declared[0] else is_decimal(value)):
        kind = "an integer (digits)" if declared[0] else "a number"
        raise InputError(f"{path}: line {line_no}, column {name}: not {kind}: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"{path}: line {line_no}, column {name}: not a finite number: {value!r}")
    if declared:
        integer, lowest, highest = declared
        if (integer and not number.is_integer()) or not lowest <= number <= highest:
            kind = "an integer" if integer else "a number"
            raise InputError(
                f"{path}: line {line_no}, column {name}: {value!r} is not {kind} in {lowest:g}..{highest:g}"
            )
    return int(number) if number.is_integer() else number


def _holiday_header(path: Path, header: list[str]) -> dict[str, int]:
    lower = [name.lower() for name in header]
    if set(HOLIDAY_HEADER) - set(lower):
        _refuse_kind(path, header, "holidays")
    missing = [name for name in HOLIDAY_HEADER if name not in lower]
    if missing:
        raise InputError(f"{path}: line 1, column {missing[0]}: missing column {missing[0]!r} for holidays")
    for i, name in enumerate(lower):
        if name not in HOLIDAY_HEADER or name in lower[:i]:
            raise InputError(
                f"{path}: line 1, column {header[i]}: extra or repeated column (holidays have exactly "
                f"{', '.join(HOLIDAY_HEADER)})"
            )
    return {name: lower.index(name) for name in HOLIDAY_HEADER}


def load_holidays(conn: psycopg.Connection, path: Path) -> int:
    """Upsert holidays and events (Favorita holidays_events.csv); set the national calendar flags.

    A holiday counts on the day it is taken: rows marked transferred are kept but not flagged,
    their "Transfer" row flags the day off; "Work Day" rows are working days. Returns the rows read.
    """
    path = Path(path)
    header = read_header(path)
    position = _holiday_header(path, header)
    types = {t.lower(): t for t in HOLIDAY_TYPES}
    rows: list[tuple] = []
    keys: dict[tuple[date, str, str], int] = {}
    for line_no, fields, _raw in iter_records(path, header):
        if len(fields) != len(header):
            raise InputError(f"{path}: line {line_no}: expected {len(header)} fields, found {len(fields)}")
        value = {name: fields[i].strip() for name, i in position.items()}
        where = f"{path}: line {line_no}, column "
        day = parse_date(fields[position["date"]])  # (as written: no space at either end)
        if day is None:
            raise InputError(f"{where}date: {date_problem(fields[position['date']])}")
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InputError(f"{where}date: {day} is outside the calendar ({FIRST_DAY} .. {LAST_DAY})")
        kind = types.get(value["type"].lower())
        if kind is None:
            raise InputError(f"{where}type: {value['type']!r} is not one of {', '.join(HOLIDAY_TYPES)}")
        scope = value["locale"].lower()
        if scope not in _SCOPES:
            raise InputError(f"{where}locale: {value['locale']!r} is not National, Regional or Local")
        flag = value["transferred"].lower()
        if flag not in _TRUE | _FALSE:
            raise InputError(f"{where}transferred: expected a boolean (True/False, 1/0), got {flag!r}")
        for name in ("locale_name", "description"):
            if not value[name]:
                raise InputError(f"{where}{name}: empty value")
        key = (day, value["locale_name"], value["description"])
        if key in keys:
            raise InputError(
                f"{where}description: the holiday {value['description']!r} of {value['locale_name']} "
                f"on {day} is also on line {keys[key]}"
            )
        keys[key] = line_no
        rows.append((day, scope, value["locale_name"], kind, value["description"], flag in _TRUE, line_no))
    if not rows:
        raise InputError(f"{path}: line 2: no holidays after the header (nothing was loaded)")
    with conn.transaction(), advisory_lock(conn, *LOAD_LOCK):
        execute(conn, "actuals/create_holiday_stage")
        with conn.cursor() as cur, cur.copy(statement("actuals/copy_holiday_stage")) as copy:
            for row in rows:
                copy.write_row(row)
        execute(conn, "actuals/upsert_holidays")
        execute(conn, "actuals/set_calendar_flags")
    return len(rows)
