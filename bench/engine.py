"""Benchmark of the forecasting engine on Rossmann (1,115 daily store series).

For each target month (July 2015 and June 2015 by default) it builds the engine's
input frame exactly as ``mart.export_training`` would (one row per store and day,
y NaN after the cutoff, flags of the target month known), runs the engine with the
default experiments (backtest 3 monthly folds, select, forecast), and scores on
the target month's open days: the selected forecast, seasonal naive, Prophet alone
and every other candidate (each candidate's own final forecast). Prophet is not in
the default candidates (too slow for the budget), so it is fitted once per series
to the cutoff as the reference ("Prophet alone"), outside the engine's wall time.
Prints markdown tables. One run per month (a 10-minute job; no median of repeats).
Series/s per candidate = series / summed fit+predict seconds over the warm-up fold,
the backtest folds and the final fit (per-series candidates: summed over workers).

    python bench/engine.py [--months 2015-07 2015-06] [--workers 2] [--data DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecasting.backtest import target_month  # noqa: E402
from forecasting.engine import run_engine  # noqa: E402
from forecasting.experiments import load_experiments  # noqa: E402
from forecasting.metrics import rmspe, wape  # noqa: E402
from forecasting.models import EXOG, MODELS  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rossmann"


def load_rossmann(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read train.csv.gz and store.csv.gz into the engine's long frame (with actuals)."""
    train = pd.read_csv(
        data_dir / "train.csv.gz",
        usecols=["Store", "Date", "Sales", "Open", "Promo", "StateHoliday", "SchoolHoliday"],
        dtype={"StateHoliday": str},
        parse_dates=["Date"],
    )
    store = pd.read_csv(data_dir / "store.csv.gz", usecols=["Store", "StoreType", "Assortment"])
    train = train.sort_values(["Store", "Date"])
    # The contract wants no date gaps per series: 180 stores miss 2014-07..12 in the
    # Kaggle original; those days become missing (y NaN), not closed.
    full = []
    for store_id, part in train.groupby("Store", sort=True):
        days = pd.date_range(part["Date"].min(), part["Date"].max(), freq="D")
        full.append(part.set_index("Date").reindex(days).assign(Store=store_id))
    data = pd.concat(full).rename_axis("Date").reset_index()
    data = data.merge(store, on="Store", how="left")
    frame = pd.DataFrame(
        {
            "series_id": data["Store"].astype("int64"),
            "ds": data["Date"].astype("datetime64[ns]"),
            "y": data["Sales"].astype(float),
            "promo": data["Promo"].fillna(0).astype(float),
            "is_open": data["Open"].fillna(1).astype(int),
            "is_holiday": (data["StateHoliday"].fillna("0") != "0").astype(int),
            "school_holiday": data["SchoolHoliday"].fillna(0).astype(int),
            "store_id": data["Store"].astype(str),
            "group_id": "all",
            "store_type": data["StoreType"].astype(str),
        }
    )
    return frame, store


def month_frame(frame: pd.DataFrame, cutoff: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Input frame up to the end of the target month (y NaN after cutoff) and the actuals."""
    start, end = target_month(cutoff)
    part = frame[frame["ds"] <= pd.Timestamp(end)].copy()
    actual = part[part["ds"] >= pd.Timestamp(start)][["series_id", "ds", "y", "is_open"]]
    part.loc[part["ds"] > pd.Timestamp(cutoff), "y"] = np.nan
    return part.reset_index(drop=True), actual


def score(forecast: pd.DataFrame, actual: pd.DataFrame) -> tuple[float, float]:
    """WAPE and RMSPE over open days with sales (Kaggle convention: y == 0 ignored)."""
    merged = actual.merge(forecast, on=["series_id", "ds"], how="left")
    merged = merged[(merged["is_open"] > 0) & (merged["y"] > 0)]
    y, y_hat = merged["y"].to_numpy(), merged["mean"].fillna(0).to_numpy()
    return wape(y, y_hat), rmspe(y, y_hat)


PROPHET_PARAMS = {"window": 400, "yearly": False}


def _prophet_chunk(chunk: list[tuple[int, np.ndarray, np.ndarray, int]]) -> list[pd.DataFrame]:
    out = []
    for series_id, y, X, n in chunk:
        model = MODELS["prophet"](**PROPHET_PARAMS).fit(y[:n], X[:n])
        days = pd.to_datetime(X[n:, 0].astype("int64"), unit="D")
        mean = model.predict(len(y) - n, X[n:])["mean"]
        out.append(pd.DataFrame({"series_id": series_id, "ds": days, "mean": mean}))
    return out


def prophet_alone(data: pd.DataFrame, cutoff: dt.date, workers: int) -> tuple[pd.DataFrame, float]:
    """Prophet (promo + holiday regressors) fitted once per series to the cutoff: the reference."""
    from concurrent.futures import ProcessPoolExecutor

    data = data.assign(t=(data["ds"] - pd.Timestamp("1970-01-01")).dt.days)
    items = []
    for series_id, part in data.groupby("series_id", sort=True):
        n = int((part["ds"] <= pd.Timestamp(cutoff)).sum())
        items.append((series_id, part["y"].to_numpy(float), part[list(EXOG)].to_numpy(float), n))
    chunks = [items[i : i + 16] for i in range(0, len(items), 16)]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        parts = [df for chunk in pool.map(_prophet_chunk, chunks) for df in chunk]
    return pd.concat(parts, ignore_index=True), time.perf_counter() - started


def bench_month(frame: pd.DataFrame, cutoff: dt.date, workers: int, with_prophet: bool) -> dict:
    """Run the engine for the month after ``cutoff``; return timings and scores."""
    config = load_experiments(None)
    data, actual = month_frame(frame, cutoff)
    started = time.perf_counter()
    result = run_engine(data, cutoff, config, workers=workers, progress=True, keep_candidates=True)
    wall = time.perf_counter() - started
    n_series = data["series_id"].nunique()
    scores = {"selected": score(result.forecasts, actual)}
    for key, info in result.models.items():
        cand = result.candidate_forecasts[result.candidate_forecasts["model_key"] == key]
        if not cand.empty:
            scores[info["label"]] = score(cand, actual)
    picks = result.selection["model_key"].map(lambda k: result.models[k]["label"])
    timings = dict(result.timings)
    if with_prophet:
        prophet, seconds = prophet_alone(data, cutoff, workers)
        scores["prophet alone (reference, 1 fit)"] = score(prophet, actual)
        timings["candidate:prophet alone (reference, 1 fit)"] = seconds
    return {"wall": wall, "n_series": n_series, "scores": scores, "timings": timings,
            "models": result.models, "picks": picks.value_counts().to_dict()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("ROSSMANN_DIR", DEFAULT_DATA)))
    parser.add_argument("--months", nargs="+", default=["2015-07", "2015-06"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-prophet", action="store_true", help="skip the Prophet reference")
    args = parser.parse_args()
    if not (args.data / "train.csv.gz").exists():
        print(f"SKIP: Rossmann data not found at {args.data} (set ROSSMANN_DIR)", file=sys.stderr)
        return 0
    frame, _ = load_rossmann(args.data)
    results = {}
    for month in args.months:
        first = pd.Timestamp(f"{month}-01").date()
        results[month] = bench_month(frame, first - dt.timedelta(days=1), args.workers,
                                     not args.no_prophet)
    print(f"\nEngine bench on Rossmann, {os.cpu_count()} cores, workers={args.workers}, "
          "one run per month\n")
    print("| month | series | wall time (s) |\n|---|---|---|")
    for month, res in results.items():
        print(f"| {month} | {res['n_series']} | {res['wall']:.0f} |")
    print("\n| month | candidate | time (s) | series/s | WAPE | RMSPE |\n|---|---|---|---|---|---|")
    for month, res in results.items():
        for label, (w, r) in sorted(res["scores"].items(), key=lambda kv: kv[1][0]):
            seconds = res["timings"].get(f"candidate:{label}")
            rate = f"{res['n_series'] / seconds:.1f}" if seconds else ""
            shown = f"{seconds:.0f}" if seconds else ""
            print(f"| {month} | {label} | {shown} | {rate} | {w:.3f} | {r:.3f} |")
    print("\n| month | phase | seconds |\n|---|---|---|")
    for month, res in results.items():
        for phase, seconds in res["timings"].items():
            if phase.startswith("phase:"):
                print(f"| {month} | {phase[6:]} | {seconds:.1f} |")
    for month, res in results.items():
        print(f"\n{month} selected models: {res['picks']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
