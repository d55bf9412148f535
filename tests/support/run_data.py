"""Small generated Rossmann-layout data for the monthly-run tests, and a check that it loads.

The helpers are imported by tests/test_run_*.py (pytest puts tests/ on sys.path).

Six stores, daily from 2014-10-01: weekday pattern, promo lift, Sunday closures and a
little seeded noise. Version 1 is history to May 2015; version 2 adds June 2015 and
restates two May days, so a run reads a data version that differs from the first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg

__all__ = ["STORES", "FIRST_DAY", "EXPERIMENTS", "rossmann_frame", "write_rossmann", "load_two_versions",
           "load_month"]

STORES = 6
FIRST_DAY = dt.date(2014, 10, 1)
EXPERIMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "run_experiments.toml"


def rossmann_frame(first: dt.date, last: dt.date, seed: int = 3, stores: int = STORES) -> pd.DataFrame:
    """Rows of a Rossmann train.csv for stores 1..``stores`` and days first..last."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(first, last, freq="D")
    rows = []
    for store in range(1, stores + 1):
        dow = days.day_of_week.to_numpy() + 1  # ISO 1..7
        is_open = (dow != 7).astype(int)
        promo = ((days.day.to_numpy() <= 10) & (dow <= 5)).astype(int)
        level = 2000.0 + 700.0 * store
        sales = level * (1 + 0.08 * (dow - 3)) * (1 + 0.25 * promo) + rng.normal(0, 40, len(days))
        sales = np.where(is_open == 1, np.round(np.clip(sales, 0, None)), 0).astype(int)
        rows.append(pd.DataFrame({
            "Store": store, "DayOfWeek": dow, "Date": days.strftime("%Y-%m-%d"), "Sales": sales,
            "Customers": (sales / 9).astype(int), "Open": is_open, "Promo": promo,
            "StateHoliday": "0", "SchoolHoliday": 0,
        }))
    return pd.concat(rows, ignore_index=True)


def write_rossmann(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as a Rossmann train.csv (newest day first, as Kaggle has it)."""
    frame.sort_values(["Date", "Store"], ascending=[False, True]).to_csv(path, index=False)
    return path


def load_two_versions(conn: psycopg.Connection, folder: Path) -> tuple[int, int]:
    """Load history to 2015-05 (version 1), then June 2015 plus two restated May days (version 2)."""
    from planfact.actuals import load_actuals

    history = rossmann_frame(FIRST_DAY, dt.date(2015, 6, 30))
    dates = pd.to_datetime(history["Date"])
    first = write_rossmann(history[dates < "2015-06-01"], folder / "train_v1.csv")
    second = history[dates >= "2015-05-30"].copy()
    restated = second["Date"].isin(["2015-05-30"]) & second["Store"].isin([1, 2])
    second.loc[restated, "Sales"] = second.loc[restated, "Sales"] + 111
    v1 = load_actuals(conn, first, new_series=True)
    v2 = load_actuals(conn, write_rossmann(second, folder / "train_v2.csv"), new_series=True)
    assert v1.version_id is not None and v2.version_id is not None, (v1.message, v2.message)
    return v1.version_id, v2.version_id


def load_month(conn: psycopg.Connection, folder: Path, month: dt.date) -> int:
    """Load the actuals of ``month`` (a new data version); returns its id."""
    from planfact.actuals import load_actuals

    last = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    frame = rossmann_frame(FIRST_DAY, last)
    frame = frame[frame["Date"] >= month.isoformat()]
    result = load_actuals(conn, write_rossmann(frame, folder / f"train_{month:%Y-%m}.csv"), new_series=True)
    assert result.version_id is not None, result.message
    return result.version_id
