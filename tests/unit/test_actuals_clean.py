"""The client-side check of the straight load path: a clean file is read exactly, anything it is
not sure of leaves the file to the staged path (None)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from planfact.actuals.clean import read_clean
from planfact.actuals.layouts import named_layout
from planfact.actuals.source import read_header
from planfact.actuals.staging import SourceFile
from planfact.actuals.validation import Rules

HEADER = "Store,DayOfWeek,Date,Sales,Customers,Open,Promo,StateHoliday,SchoolHoliday"


def _rows(stores: int = 2, days: int = 10, first: date = date(2015, 1, 1)) -> list[str]:
    out = []
    for n in range(days):
        day = first + timedelta(n)
        for store in range(1, stores + 1):
            out.append(f"{store},{day.isoweekday()},{day},{100 * store + n}.25,{n},1,{n % 2},0,0")
    return out


def _source(tmp_path: Path, lines: list[str], *, raw: bytes | None = None) -> SourceFile:
    path = tmp_path / "f.csv"
    path.write_bytes(raw if raw is not None else ("\n".join([HEADER, *lines]) + "\n").encode())
    layout = named_layout("rossmann", "actuals")
    rules = Rules(today=date(2016, 1, 1), need_sales=True, holiday=layout.holiday, new_series=True)
    return SourceFile(path, "0" * 64, layout, read_header(path), rules)


def test_a_clean_file_is_read_exactly_sorted_by_series_and_day(tmp_path: Path) -> None:
    clean = read_clean(_source(tmp_path, _rows()))
    assert clean is not None and clean.rows == 20
    assert clean.keys == [("1", "all"), ("2", "all")]
    assert clean.period == (date(2015, 1, 1), date(2015, 1, 10))
    assert list(clean.series[:10]) == [clean.series[0]] * 10  # sorted by series, then day
    assert np.all(np.diff(clean.days[:10].astype(np.int64)) == 1)
    assert clean.sales_e4.min() == 1_002_500  # 100.25 exactly, times 10^4


@pytest.mark.parametrize(
    "change",
    [
        lambda rows: [*rows, rows[0]],  # a key twice
        lambda rows: [rows[0].replace(",0,0", ",,0"), *rows[1:]],  # an empty field
        lambda rows: [rows[0].replace("2015-01-01", "２０15-01-01"), *rows[1:]],  # not ASCII digits
        lambda rows: [rows[0].replace(",1,0,0,0", ",1,0,x,0"), *rows[1:]],  # holiday outside its codes
        lambda rows: [rows[0].replace("100.25", "100.12345"), *rows[1:]],  # more than 4 decimals
        lambda rows: [rows[0].replace("100.25", "-3"), *rows[1:]],  # negative sales, no returns
        lambda rows: [rows[0].replace("2015-01-01", "2017-01-01"), *rows[1:]],  # in the future
        lambda rows: [rows[0].replace(",4,2015", ",5,2015"), *rows[1:]],  # weekday does not match
        lambda rows: [rows[0] + ",9", *rows[1:]],  # a field too many (first line)
        lambda rows: [*rows[:5], rows[5] + ",9", *rows[6:]],  # a field too many (later line)
        lambda rows: [*rows[:5], rows[5].rsplit(",", 1)[0], *rows[6:]],  # a field too few
        lambda rows: [*rows, ""],  # a blank line
    ],
)
def test_anything_unsure_goes_to_the_staging(tmp_path: Path, change: object) -> None:
    assert read_clean(_source(tmp_path, change(_rows()))) is None  # type: ignore[operator]


def test_crlf_and_weekly_series_go_to_the_staging(tmp_path: Path) -> None:
    crlf = ("\r\n".join([HEADER, *_rows()]) + "\r\n").encode()
    assert read_clean(_source(tmp_path, [], raw=crlf)) is None
    weekly = [r for r in _rows(days=35) if r.split(",")[1] == "4"]
    assert read_clean(_source(tmp_path, weekly)) is None
