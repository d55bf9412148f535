"""Write a generated dataset as the files a monthly feed delivers (gzip CSV, Kaggle layouts).

Files are byte-identical for the same data (gzip header without time or name), so a
re-written file has the same sha256 and the loader recognises it as already loaded.

Names, all ``.csv.gz``, are those the landing folder of ``planfact.pipeline`` expects:
- ``stores`` and ``holidays_events``: the reference tables;
- ``actuals_YYYY-MM``: the actuals of one month (Favorita train.csv layout);
- ``actuals_YYYY-MM_history``: every month up to YYYY-MM in one file (the backlog);
- ``plan_YYYY-MM``: the known promotions of a month before it happens (Favorita test.csv
  layout: ``id,date,store_nbr,family,onpromotion``);
- ``actuals_YYYY-MM_restated``: a month re-issued with a few store-days corrected;
- ``train``: the whole history as one Kaggle train.csv.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from planfact.demo.synthetic.dataset import SyntheticData
from planfact.periods import parse_month
from planfact.temporaries import temporary_path

# The names this module writes (their temporaries are swept by ``planfact data generate``).
NAMES = ("actuals_", "plan_", "stores", "holidays_events", "train", "messy_sales")

__all__ = [
    "NAMES",
    "MonthFiles",
    "write_csv_gz",
    "write_reference_files",
    "write_month_files",
    "write_plan",
    "write_history",
    "write_full",
    "restate_month",
    "write_restatement",
]

_CHUNK_ROWS = 500_000


@dataclass(frozen=True)
class MonthFiles:
    """The files of one month: its actuals and, when the data reach it, next month's plan."""

    month: date
    actuals: Path
    plan: Path | None


def _tag(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def write_csv_gz(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as gzip CSV with a reproducible header (no mtime, no file name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = temporary_path(path)  # (planfact.temporaries: the one owner of temporary names)
    try:
        with open(partial, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
            for begin in range(0, max(len(frame), 1), _CHUNK_ROWS):
                text = io.StringIO()
                frame.iloc[begin : begin + _CHUNK_ROWS].to_csv(text, index=False, header=begin == 0)
                out.write(text.getvalue().encode("utf-8"))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)  # readers never see a half-written file
    return path


def write_reference_files(data: SyntheticData, out_dir: Path) -> dict[str, Path]:
    """Write ``stores.csv.gz`` and ``holidays_events.csv.gz``; return them by name."""
    holidays = data.holidays.assign(date=data.holidays["date"].dt.strftime("%Y-%m-%d"))
    return {
        "stores": write_csv_gz(data.stores, out_dir / "stores.csv.gz"),
        "holidays": write_csv_gz(holidays, out_dir / "holidays_events.csv.gz"),
    }


def write_plan(data: SyntheticData, out_dir: Path, month: date | str) -> Path | None:
    """Write ``plan_YYYY-MM.csv.gz``: the promotions of ``month`` without sales; None if not generated."""
    first = parse_month(month)
    rows = data.month_rows(first).drop(columns=["sales"])
    return write_csv_gz(rows, out_dir / f"plan_{_tag(first)}.csv.gz") if len(rows) else None


def write_month_files(data: SyntheticData, out_dir: Path, month: date | str) -> MonthFiles:
    """Write the actuals of ``month`` and the plan file (promotions) of the month after it.

    The plan is written only when the generated data cover the next month.
    """
    first = parse_month(month)
    rows = data.month_rows(first)
    if rows.empty:
        raise ValueError(f"the generated data have no sales in {_tag(first)} ({data.start}..{data.end})")
    actuals = write_csv_gz(rows, out_dir / f"actuals_{_tag(first)}.csv.gz")
    following = (pd.Period(first, freq="M") + 1).start_time.date()
    return MonthFiles(month=first, actuals=actuals, plan=write_plan(data, out_dir, following))


def write_history(data: SyntheticData, out_dir: Path, *, before: date | str) -> Path:
    """Write every month before ``before`` in one actuals file (the backlog loaded first)."""
    first = parse_month(before)
    rows = data.sales.loc[data.sales["date"] < pd.Timestamp(first)]
    if rows.empty:
        raise ValueError(f"the generated data have no sales before {_tag(first)}")
    last = (pd.Period(first, freq="M") - 1).start_time.date()
    return write_csv_gz(rows, out_dir / f"actuals_{_tag(last)}_history.csv.gz")


def write_full(data: SyntheticData, out_dir: Path) -> Path:
    """Write all the sales as one Favorita ``train.csv.gz``."""
    return write_csv_gz(data.sales, out_dir / "train.csv.gz")


def restate_month(data: SyntheticData, month: date | str, *, days: int = 3, seed: int = 1) -> pd.DataFrame:
    """The rows of ``month`` re-issued with ``days`` store-days corrected.

    A late correction of a store's till data: on each chosen store-day every family that sold
    something changes by -15%..+10% (rounded like the original). Returns the whole month so the
    file replaces the earlier one; only the corrected rows differ.
    """
    rows = data.month_rows(parse_month(month)).copy()
    rng = np.random.default_rng([data.seed, seed])
    selling = rows.loc[rows["sales"] > 0, ["date", "store_nbr"]].drop_duplicates()
    if selling.empty:
        raise ValueError(f"nothing sold in {_tag(parse_month(month))}: nothing to restate")
    picked = selling.iloc[rng.choice(len(selling), size=min(days, len(selling)), replace=False)]
    hit = rows.set_index(["date", "store_nbr"]).index.isin(picked.set_index(["date", "store_nbr"]).index)
    factor = rng.uniform(0.85, 1.10, size=int(hit.sum()))
    changed = rows.loc[hit, "sales"].to_numpy() * factor
    whole = np.isclose(rows.loc[hit, "sales"] % 1, 0)
    rows.loc[hit, "sales"] = np.where(whole, np.round(changed), np.round(changed, 3))
    return rows


def write_restatement(
    data: SyntheticData, out_dir: Path, month: date | str, *, days: int = 3, seed: int = 1
) -> Path:
    """Write :func:`restate_month` of ``month`` as ``actuals_YYYY-MM_restated.csv.gz``."""
    rows = restate_month(data, month, days=days, seed=seed)
    return write_csv_gz(rows, out_dir / f"actuals_{_tag(parse_month(month))}_restated.csv.gz")
