"""A file read client-side and proven clean, or None: the input of the straight load path.

``read_clean`` parses a source file with pandas and checks, column by column, that every row
would pass staging without a word: the same row rules as ``core.actuals_row_problem``, the
frequency test and the duplicate test of the staging, but stricter wherever being exact would
cost code (no empty field at all, dates by the one rule of ``dates``, keys of printable ASCII
without spaces at either end, LF line ends, flags in their common spellings). Anything it is
not sure of makes it answer None, and the loader takes the staged path, which accepts or
refuses exactly as before. So the straight path never loads a file the staged path would
refuse, and stores the same values (the holiday flag in its stored form, promo as its count,
sales exact to 4 places).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from planfact.actuals.dates import parse_date
from planfact.actuals.numbers import surely_plain
from planfact.actuals.source import READ_ERRORS, open_binary
from planfact.actuals.staging import SourceFile
from planfact.stopwatch import lap

__all__ = ["CleanFile", "read_clean", "promo_value", "bool_value"]

_KEY = re.compile(r"[!-~](?:[ -~]*[!-~])?")
_COUNT = re.compile(r"[0-9]{1,9}")
_TRUE = {"1", "t", "true", "y", "yes", "on"}
_FALSE = {"0", "f", "false", "n", "no", "off"}
_TEXT = ("store_id", "group_id", "sale_date", "promo", "is_open", "state_holiday", "school_holiday")
_INTEGER = ("customers", "day_of_week")
_ROW_ARRAYS = (
    "series",
    "days",
    "sales_e4",
    "promo",
    "is_open",
    "state_holiday",
    "school_holiday",
    "customers",
)
_EPOCH_1900 = np.datetime64("1900-01-01", "D")
_FIRST, _LAST = np.datetime64("2000-01-01", "D"), np.datetime64("2040-12-31", "D")
# Sales limit: |sales| below 1e9 keeps sales * 10^4 exact in a double.
_SALES_LIMIT = 1e9


@dataclass
class CleanFile:
    """A clean file's rows, one array entry per row (``n`` rows), columns in stored form.

    ``keys``: the (store_id, group_id) of each of the ``k`` series, ``series``: each row's
    index into ``keys``; ``days``: sale_date as datetime64[D]; ``sales_e4``: sales x 10^4 as
    int64; ``state_holiday``: each row's index into ``holiday_values`` (the stored forms); the
    optional columns are None where the file has no such column.
    """

    keys: list[tuple[str, str]]
    series: np.ndarray
    days: np.ndarray
    sales_e4: np.ndarray
    promo: np.ndarray | None
    is_open: np.ndarray | None
    state_holiday: np.ndarray | None
    holiday_values: list[str] | None
    school_holiday: np.ndarray | None
    customers: np.ndarray | None

    @property
    def rows(self) -> int:
        return len(self.days)

    @property
    def period(self) -> tuple[date, date]:
        return self.days.min().item(), self.days.max().item()


def promo_value(value: str) -> int | None:
    """core.promo_value in Python: a promo count or flag, None when unparsable."""
    if value in ("", "0"):
        return 0
    if _COUNT.fullmatch(value):
        return int(value)
    lowered = value.lower()
    if lowered in ("true", "t", "yes"):
        return 1
    if lowered in ("false", "f", "no"):
        return 0
    return None


def bool_value(value: str) -> bool | None:
    """A boolean in the spellings both PostgreSQL and core.flag_value read alike, else None."""
    lowered = value.lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def _mapped(column: pd.Series, convert: object) -> np.ndarray | None:
    """Each value converted through its category (few distinct values), or None if one fails."""
    codes, converted = _mapped_codes(column, convert)
    return None if converted is None else np.asarray(converted)[codes]


def _mapped_codes(column: pd.Series, convert: object) -> tuple[np.ndarray, list | None]:
    """The category code of each value and the converted categories (None if one fails)."""
    converted = [convert(str(u)) for u in column.cat.categories]  # type: ignore[operator]
    codes = column.cat.codes.to_numpy().astype(np.int64)
    return codes, None if any(c is None for c in converted) else converted


def read_clean(source: SourceFile) -> CleanFile | None:
    """The file's rows if every one is surely loadable as it stands (see the module doc)."""
    layout, rules = source.layout, source.rules
    if layout.frequency != "daily" or rules.need_sales is False:
        return None
    logical = set(layout.columns.values())
    if not logical <= {*_TEXT, *_INTEGER, "sales"} or not {"store_id", "sale_date", "sales"} <= logical:
        return None
    try:
        with open_binary(source.path) as stream:
            data = stream.read()
    except READ_ERRORS:
        return None
    if b"\r" in data or b"\x00" in data or not surely_plain(data):
        return None  # (a number pandas would read but the rule refuses: the staged path names it)
    lap("read and gunzip")
    # text columns as categories: parsed straight into codes, each distinct value checked once
    text_columns = {name: "category" for name, target in layout.columns.items() if target in _TEXT}
    text_columns.update({name: "category" for name in source.header if name not in layout.columns})
    try:
        with warnings.catch_warnings():
            # (a first line with a field too many is cut with a warning: PostgreSQL refuses it)
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = _read_csv(data, text_columns)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.ParserWarning, OverflowError):
        return None
    del data
    lap("parse CSV")
    if list(frame.columns) != source.header or frame.empty or frame.isna().to_numpy().any():
        return None
    by_logical = {target: frame[name] for name, target in layout.columns.items()}
    return _checked(by_logical, source)


def _read_csv(data: bytes, text_columns: dict[str, str]) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data),
        dtype=text_columns,  # type: ignore[arg-type]
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
        index_col=False,
        encoding="utf-8",
        engine="c",
    )


def _checked(columns: dict[str, pd.Series], source: SourceFile) -> CleanFile | None:
    rules = source.rules
    store_codes, stores = _mapped_codes(columns["store_id"], str)
    group_codes, groups = (
        _mapped_codes(columns["group_id"], str)
        if "group_id" in columns
        else (np.zeros(len(store_codes), np.int64), ["all"])
    )
    assert stores is not None and groups is not None
    if not all(_KEY.fullmatch(value) for value in [*stores, *groups]):
        return None
    codes, pairs = pd.factorize(store_codes * len(groups) + group_codes)  # (hashing, no sort)
    keys = [(stores[p // len(groups)], groups[p % len(groups)]) for p in pairs.tolist()]
    days = _days(columns["sale_date"], rules.today)
    sales = _sales(columns["sales"], rules.allow_negative)
    if days is None or sales is None:
        return None
    if "day_of_week" in columns:
        weekday = columns["day_of_week"].to_numpy()
        if weekday.dtype.kind != "i":
            return None
        if not np.array_equal(weekday, (days - _EPOCH_1900).astype(np.int64) % 7 + 1):
            return None
    customers = None
    if "customers" in columns:
        customers = columns["customers"].to_numpy()
        if customers.dtype.kind != "i" or customers.min() < 0 or customers.max() > 2**31 - 1:
            return None
    promo = _mapped(columns["promo"], promo_value) if "promo" in columns else None
    is_open = _mapped(columns["is_open"], bool_value) if "is_open" in columns else None
    school = _mapped(columns["school_holiday"], bool_value) if "school_holiday" in columns else None
    holiday: tuple[np.ndarray, list[str]] | None = None
    if "state_holiday" in columns:
        flag = source.layout.holiday
        if flag.codes is None:

            def stored(value: str) -> str | None:
                found = bool_value(value.strip())
                return None if found is None else "1" if found else "0"
        else:
            codes_ = flag.codes

            def stored(value: str) -> str | None:
                return None if value not in codes_ else "0" if value == flag.none else value

        holiday_codes, holiday_values = _mapped_codes(columns["state_holiday"], stored)
        if holiday_values is None:
            return None
        holiday = (holiday_codes, holiday_values)
    if any(
        col is None and name in columns
        for name, col in (("promo", promo), ("is_open", is_open), ("school_holiday", school))
    ):
        return None
    clean = CleanFile(
        keys,
        codes.astype(np.int64),
        days,
        sales,
        promo,
        is_open,
        None if holiday is None else holiday[0],
        None if holiday is None else holiday[1],
        school,
        customers,
    )
    return clean if _daily_and_unique(clean) else None


def _days(column: pd.Series, today: date | None) -> np.ndarray | None:
    parsed = [parse_date(str(value)) for value in column.cat.categories]  # (each distinct day once)
    if not parsed or any(day is None for day in parsed):
        return None
    known = np.array(parsed, dtype="datetime64[D]")
    if known.min() < _FIRST or known.max() > _LAST:
        return None
    if today is not None and known.max() > np.datetime64(today, "D"):
        return None
    return known[column.cat.codes.to_numpy()]


def _sales(column: pd.Series, allow_negative: bool) -> np.ndarray | None:
    values = column.to_numpy()
    if values.dtype.kind == "i":
        if np.abs(values).max() >= _SALES_LIMIT:
            return None
        scaled = values.astype(np.int64) * 10_000
    elif values.dtype.kind == "f":
        if not np.isfinite(values).all() or np.abs(values).max() >= _SALES_LIMIT:
            return None
        rounded = np.rint(values * 10_000)
        if not np.array_equal(rounded / 10_000, values):
            return None  # more than 4 decimals: PostgreSQL rounds them, leave it to the staging
        scaled = rounded.astype(np.int64)
    else:
        return None
    if not allow_negative and (scaled < 0).any():
        return None
    return scaled


def _daily_and_unique(clean: CleanFile) -> bool:
    """No key twice, and no series whose dates are all on one weekday or one day of the month
    (the staging's frequency test, ``actuals/stage_verdict``); sorts the rows by series and day."""
    lap("check values")
    ordinal_2000 = (clean.days - _FIRST).astype(np.int64)  # < 2^14 within the calendar
    order = np.argsort(clean.series * (1 << 14) + ordinal_2000)
    for name in _ROW_ARRAYS:
        values = getattr(clean, name)
        if values is not None:
            setattr(clean, name, values[order])
    series, days = clean.series, clean.days
    same = (series[1:] == series[:-1]) & (days[1:] == days[:-1])
    if same.any():
        return False
    starts = np.flatnonzero(np.r_[True, series[1:] != series[:-1]])
    counts = np.diff(np.r_[starts, len(series)])
    ordinal = (days - _EPOCH_1900).astype(np.int64)
    weekday_mask = np.bitwise_or.reduceat(np.left_shift(1, ordinal % 7), starts)
    day_of_month = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    month_mask = np.bitwise_or.reduceat(np.left_shift(np.int64(1), day_of_month), starts)
    span = ordinal[np.r_[starts[1:], len(series)] - 1] - ordinal[starts]
    weekly = (counts >= 4) & (weekday_mask & (weekday_mask - 1) == 0)
    monthly = (counts >= 3) & (month_mask & (month_mask - 1) == 0) & (span >= 56)
    return not (weekly | monthly).any()
