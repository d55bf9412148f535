"""Bad input: each case is refused with file, line and column named, and nothing is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from planfact.actuals import load_actuals
from planfact.errors import InputError, UsageError
from support.actuals_files import ROSSMANN_HEADER, rossmann_file, rossmann_rows, snapshot, write_csv

TODAY = date(2015, 3, 10)


def _rows() -> list[str]:
    return rossmann_rows(2, date(2015, 2, 1), date(2015, 2, 28))  # 56 rows, lines 2..57


def _set(rows: list[str], index: int, column: int, value: str) -> list[str]:
    fields = rows[index].split(",")
    fields[column] = value
    return [*rows[:index], ",".join(fields), *rows[index + 1 :]]


CASES = {
    "missing column": (
        "Store,DayOfWeek,Date,Customers,Open,Promo,StateHoliday,SchoolHoliday",
        lambda r: [",".join(x.split(",")[:3] + x.split(",")[4:]) for x in r],
        r"line 1, column Sales: missing column 'Sales' for layout rossmann",
    ),
    "extra column": (
        ROSSMANN_HEADER + ",Region",
        lambda r: [x + ",north" for x in r],
        r"line 1, column Region: extra column 'Region' for layout rossmann",
    ),
    "unparsable date": (
        ROSSMANN_HEADER,
        lambda r: _set(_set(r, 3, 2, "2015-02-30"), 10, 2, "31.01.2015"),
        r"line 5, column Date: unparsable date '2015-02-30' \(expected YYYY-MM-DD\) \(1 other bad row;",
    ),
    "unparsable number": (
        ROSSMANN_HEADER,
        lambda r: _set(_set(_set(r, 0, 3, "12x"), 1, 3, "n/a"), 2, 4, "1.5"),
        r"line 2, column Sales: unparsable number '12x' \(a plain decimal such as -1234\.5 or 1\.5e3\) "
        r"\(2 other bad rows;",
    ),
    "duplicate key": (
        ROSSMANN_HEADER,
        lambda r: [*r, r[7]],
        r"line 9, column Date: duplicate key \(store 2, group all, date 2015-02-25\) "
        r"also on line 58 \(1 other",
    ),
    "negative sales": (
        ROSSMANN_HEADER,
        lambda r: _set(r, 20, 3, "-5"),
        r"line 22, column Sales: negative sales -5.0000 \(the layout declares no returns\) "
        r"\(0 other bad rows;",
    ),
    "future date": (
        ROSSMANN_HEADER,
        lambda r: [
            *(x.replace("2015-02-27", "2015-03-11").replace(",5,2015-03-11", ",3,2015-03-11") for x in r)
        ],
        r"line 4, column Date: date 2015-03-11 is in the future \(today is 2015-03-10\) \(1 other",
    ),
    "empty key": (
        ROSSMANN_HEADER,
        lambda r: _set(r, 30, 0, ""),
        r"line 32, column Store: empty key column \(0 other bad rows;",
    ),
    "mixed frequencies": (
        ROSSMANN_HEADER,
        lambda r: [*r, *[f"9,1,2015-01-{d:02d},100,10,1,0,0,0" for d in (5, 12, 19, 26)]],
        r"line 58, column Date: mixed frequencies: series \(store 9, group all\) has weekly dates .* "
        r"but the layout is daily \(3 other bad rows;",
    ),
    "wrong field count": (
        ROSSMANN_HEADER,
        lambda r: [*r[:5], r[5] + ",1", *r[6:]],
        r"line 7: expected 9 fields, found 10 \(0 other bad rows;",
    ),
    "weekday mismatch": (
        ROSSMANN_HEADER,
        lambda r: _set(r, 0, 1, "2"),
        r"line 2, column DayOfWeek: day of week 2 does not match 2015-02-28 \(6\)",
    ),
    "unknown holiday code": (
        ROSSMANN_HEADER,
        lambda r: _set(r, 2, 7, "x"),
        r"line 4, column StateHoliday: unknown code 'x'",
    ),
}


@pytest.fixture
def base(conn: psycopg.Connection, tmp_path: Path) -> dict[str, object]:
    """A database with one version loaded, and its state."""
    load_actuals(
        conn, rossmann_file(tmp_path / "january.csv", 2, date(2015, 1, 1), date(2015, 1, 31)), new_series=True
    )
    return snapshot(conn)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_is_refused_and_nothing_changes(
    conn: psycopg.Connection, tmp_path: Path, base: dict[str, object], case: str
) -> None:
    header, change, expected = CASES[case]
    path = write_csv(tmp_path / "bad.csv", header, change(_rows()))
    with pytest.raises(InputError, match=expected) as info:
        load_actuals(conn, path, today=TODAY, new_series=True)
    assert str(info.value).startswith(f"{path}: line ")
    assert "\n" not in str(info.value)
    assert snapshot(conn) == base


def test_quarantine_loads_good_rows_and_keeps_bad_ones(
    conn: psycopg.Connection, tmp_path: Path, base: dict[str, object]
) -> None:
    rows = _set(_set(_rows(), 20, 3, "-5"), 3, 2, "2015-02-30")
    rows = [*rows, rows[7]]  # a duplicate of line 9: both copies are refused
    result = load_actuals(
        conn,
        write_csv(tmp_path / "q.csv", ROSSMANN_HEADER, rows),
        quarantine=True,
        today=TODAY,
        new_series=True,
    )
    assert result.version_id == 2
    assert (result.inserted, result.rejected) == (57 - 4, 4)
    assert "4 rejected" in result.message
    rejected = conn.execute(
        "select line_no, column_name, reason, raw_line from core.rejected_row where version_id = 2 order by 1"
    ).fetchall()
    assert [(r[0], r[1]) for r in rejected] == [(5, "Date"), (9, "Date"), (22, "Sales"), (58, "Date")]
    assert (
        rejected[2][2] == "negative sales -5.0000 (the layout declares no returns)"
        and rejected[2][3] == "1,3,2015-02-18,-5,22,1,0,0,0"
    )
    version = conn.execute(
        "select rows_in_file, rows_inserted, rows_rejected from core.data_version where version_id = 2"
    )
    assert version.fetchone() == (57, 53, 4)


def test_quarantine_keeps_a_value_rounding_above_the_limit(
    conn: psycopg.Connection, tmp_path: Path, base: dict[str, object]
) -> None:
    """Issue 24 (outsider D1): 99999999999999.99999 rounds to 10^14 at numeric(18, 4); the
    quarantine keeps its line as out of range instead of failing as an internal error."""
    rows = _set(_rows(), 2, 3, "99999999999999.99999")
    result = load_actuals(
        conn,
        write_csv(tmp_path / "r5.csv", ROSSMANN_HEADER, rows),
        quarantine=True,
        today=TODAY,
        new_series=True,
    )
    assert (result.inserted, result.rejected) == (55, 1)
    rejected = conn.execute(
        "select line_no, column_name, reason from core.rejected_row where version_id = %s",
        (result.version_id,),
    ).fetchall()
    assert rejected == [
        (
            4,
            "Sales",
            "number out of range '99999999999999.99999' (the limit is 99999999999999.9999: "
            "at most 14 digits before the point)",
        )
    ]


def test_quarantine_of_a_clean_file_rejects_nothing(conn: psycopg.Connection, tmp_path: Path) -> None:
    result = load_actuals(
        conn,
        rossmann_file(tmp_path / "ok.csv.gz", 2, date(2015, 1, 1), date(2015, 1, 31)),
        quarantine=True,
        new_series=True,
    )
    assert (result.inserted, result.rejected) == (62, 0)


def test_unknown_header_and_bad_options(conn: psycopg.Connection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", "a,b,c", ["1,2,3"])
    with pytest.raises(InputError, match=r"odd.csv: line 1: header a,b,c matches no known layout"):
        load_actuals(conn, path, new_series=True)
    with pytest.raises(UsageError, match="unknown --layout 'nope'"):
        load_actuals(conn, path, layout="nope", new_series=True)
    bad_mapping = tmp_path / "m.toml"
    bad_mapping.write_text("[columns]\nstore_id = 'a'\nsale_date = 'b'\nwhatever = 'c'\n")
    with pytest.raises(
        InputError, match=r"m.toml: line 4, column 1: columns.whatever: unknown key \(known: store"
    ):
        load_actuals(conn, path, mapping=bad_mapping, new_series=True)
    with pytest.raises(InputError, match="no such file"):
        load_actuals(conn, tmp_path / "missing.csv", new_series=True)
