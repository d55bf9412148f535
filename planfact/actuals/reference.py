"""Reference tables: stores (Rossmann store.csv, Favorita stores.csv) and holidays (Favorita).

These files are small (hundreds of rows), so they are parsed in Python, checked line by line,
sent with one COPY into a temp table and upserted with one statement. Stores and holidays
are reference data, not versioned facts: a load updates them in place.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import psycopg

from planfact.actuals.loader import LOAD_LOCK
from planfact.actuals.source import iter_records, read_header
from planfact.db.locks import advisory_lock
from planfact.db.queries import execute, statement
from planfact.errors import InputError

__all__ = ["load_stores", "load_holidays", "STORE_COLUMNS"]

# Header names (lowercased) that fill a named column of core.store; the rest go to attributes.
STORE_COLUMNS: dict[str, str] = {
    "store": "store_id",
    "store_nbr": "store_id",
    "store_id": "store_id",
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
_STORE_FIELDS = ("store_id", "store_name", "city", "state", "store_type", "cluster", "assortment")
HOLIDAY_HEADER = ("date", "type", "locale", "locale_name", "description", "transferred")
_SCOPES = {"national", "regional", "local"}


def load_stores(conn: psycopg.Connection, path: Path) -> int:
    """Upsert the stores of ``path``; returns the number of stores in the file."""
    path = Path(path)
    header = read_header(path)
    targets = [STORE_COLUMNS.get(name.lower()) for name in header]
    if "store_id" not in targets:
        raise InputError(f"{path}: line 1: no store column (Store, store_nbr or store_id) in the header")
    rows: list[tuple] = []
    seen: dict[str, int] = {}
    for line_no, fields, _raw in iter_records(path):
        if len(fields) != len(header):
            raise InputError(f"{path}: line {line_no}: expected {len(header)} fields, found {len(fields)}")
        named: dict[str, str | None] = {f: None for f in _STORE_FIELDS}
        attributes = {}
        for name, target, value in zip(header, targets, fields, strict=True):
            if target:
                named[target] = value.strip() or None
            elif value != "":
                attributes[name] = _attribute(value)
        store_id = named["store_id"]
        column = header[targets.index("store_id")]
        if not store_id:
            raise InputError(f"{path}: line {line_no}, column {column}: empty key column")
        if store_id in seen:
            raise InputError(
                f"{path}: line {line_no}, column {column}: store {store_id} also on line {seen[store_id]}"
            )
        seen[store_id] = line_no
        rows.append((*named.values(), json.dumps(attributes)))
    with conn.transaction(), advisory_lock(conn, *LOAD_LOCK):
        execute(conn, "actuals/create_store_stage")
        with conn.cursor() as cur, cur.copy(statement("actuals/copy_store_stage")) as copy:
            for row in rows:
                copy.write_row(row)
        execute(conn, "actuals/upsert_stores")
    return len(rows)


def _attribute(value: str) -> object:
    """Numbers stay numbers in the attributes jsonb (CompetitionDistance), the rest is text."""
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def load_holidays(conn: psycopg.Connection, path: Path) -> int:
    """Upsert holidays and events (Favorita holidays_events.csv); set the national calendar flags.

    A holiday counts on the day it is taken: rows marked transferred are kept but not flagged,
    their "Transfer" row flags the day off; "Work Day" rows are working days. Returns the rows read.
    """
    path = Path(path)
    header = [name.lower() for name in read_header(path)]
    missing = [name for name in HOLIDAY_HEADER if name not in header]
    if missing:
        raise InputError(f"{path}: line 1, column {missing[0]}: missing column {missing[0]!r} for holidays")
    position = {name: header.index(name) for name in HOLIDAY_HEADER}
    rows: list[tuple] = []
    for line_no, fields, _raw in iter_records(path):
        if len(fields) != len(header):
            raise InputError(f"{path}: line {line_no}: expected {len(header)} fields, found {len(fields)}")
        value = {name: fields[i].strip() for name, i in position.items()}
        try:
            day = date.fromisoformat(value["date"])
        except ValueError:
            raise InputError(
                f"{path}: line {line_no}, column date: unparsable date {value['date']!r}"
            ) from None
        scope = value["locale"].lower()
        if scope not in _SCOPES:
            raise InputError(
                f"{path}: line {line_no}, column locale: "
                f"{value['locale']!r} is not National, Regional or Local"
            )
        flag = value["transferred"].lower()
        if flag not in {"true", "false", "1", "0", ""}:
            raise InputError(
                f"{path}: line {line_no}, column transferred: expected True or False, got {flag!r}"
            )
        for name in ("type", "locale_name", "description"):
            if not value[name]:
                raise InputError(f"{path}: line {line_no}, column {name}: empty value")
        rows.append(
            (
                day,
                scope,
                value["locale_name"],
                value["type"],
                value["description"],
                flag in {"true", "1"},
                line_no,
            )
        )
    with conn.transaction(), advisory_lock(conn, *LOAD_LOCK):
        execute(conn, "actuals/create_holiday_stage")
        with conn.cursor() as cur, cur.copy(statement("actuals/copy_holiday_stage")) as copy:
            for row in rows:
                copy.write_row(row)
        execute(conn, "actuals/upsert_holidays")
        execute(conn, "actuals/set_calendar_flags")
    return len(rows)
