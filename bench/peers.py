"""Peers: the forecasters a user would pick instead of planfact, on the engine bench's months.

In one invocation, for each target month (2015-01..2015-07 by default) on Rossmann, this runs
planfact's engine exactly as ``bench/engine.py`` does (default experiments) and then each peer
on the same input: trained on every day up to the end of the previous month, forecasting the
month with its promo/open/holiday flags known, scored like the engine on the month's open days
with sales (WAPE, RMSPE), each with its wall and CPU seconds on the same cores:

- ``ets``: statsforecast AutoETS, weekly season (it takes no regressors);
- ``mstl``: statsforecast MSTL, weekly and yearly seasons, its trend by an ARIMA(1,1,1) with
  the flags (promo, state holiday, school holiday, open) as exogenous regressors;
- ``mlforecast``: mlforecast with LightGBM (lags 1/7/14/28/364, rolling means of 7 and 28
  days, calendar features, the flags as dynamic features, log1p target), recursive;
- ``prophet``: Prophet per series (weekly and yearly season) with the flags as regressors,
  fitted on the open days with sales.

Every peer forecasts 0 on a known closed day. The 180 stores that miss 2014-07..12 in the
Kaggle file get those days filled with their weekday median (statsforecast and mlforecast need
a gap-free series; Prophet simply skips them). ``--every N`` runs on every N-th store (a smoke
test, written to ``peers_subset_everyN.json``, which git ignores); the bench is all stores.
Results: ``bench/results/peers.json``; ``bench/tables.py`` renders the README table.

    python bench/peers.py [--months 2015-01..2015-07] [--workers 2] [--every N]
                          [--peers ets,mstl,mlforecast,prophet] [--data DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import (  # noqa: E402  (bench/engine.py: the same data, scoring and engine run)
    DEFAULT_DATA,
    _cpu_seconds,
    bench_month,
    load_average,
    load_rossmann,
    month_frame,
    month_record,
    parse_months,
    results_path,
    score,
    subset,
    write_results,
)

FLAGS = ["promo", "is_holiday", "school_holiday", "is_open"]
PEERS = ("ets", "mstl", "mlforecast", "prophet")


def split(data: pd.DataFrame, cutoff: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training days (up to ``cutoff``, missing days filled) and the target month's days
    (flags only), both with ``unique_id`` = series_id."""
    data = data.rename(columns={"series_id": "unique_id"})
    train = data[data["ds"] <= pd.Timestamp(cutoff)].copy()
    future = data[data["ds"] > pd.Timestamp(cutoff)][["unique_id", "ds", *FLAGS]].copy()
    missing = train["y"].isna()
    if missing.any():  # the weekday median of the store's open days with sales
        weekday = train["ds"].dt.day_of_week
        sold = train["y"].where((train["is_open"] > 0) & (train["y"] > 0))
        median = sold.groupby([train["unique_id"], weekday]).transform("median")
        train.loc[missing, "y"] = median[missing].fillna(0.0)
    train["y"] = np.where(train["is_open"] > 0, train["y"], 0.0)
    for flag in FLAGS:
        train[flag] = train[flag].astype(float)
        future[flag] = future[flag].astype(float)
    return train.reset_index(drop=True), future.reset_index(drop=True)


def closed_zero(forecast: pd.DataFrame, future: pd.DataFrame, column: str) -> pd.DataFrame:
    """``(series_id, ds, mean)``: the peer's ``column``, 0 on closed days, never negative."""
    merged = future[["unique_id", "ds", "is_open"]].merge(forecast[["unique_id", "ds", column]],
                                                          on=["unique_id", "ds"], how="left")
    mean = np.where(merged["is_open"] > 0, merged[column].fillna(0.0).clip(lower=0), 0.0)
    return pd.DataFrame({"series_id": merged["unique_id"], "ds": merged["ds"], "mean": mean})


def ets(train: pd.DataFrame, future: pd.DataFrame, workers: int) -> pd.DataFrame:
    """statsforecast AutoETS, season 7, no regressors (the model takes none)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    h = int(future.groupby("unique_id").size().max())
    sf = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=workers)
    out = sf.forecast(df=train[["unique_id", "ds", "y"]], h=h)
    return closed_zero(out.reset_index() if "unique_id" not in out else out, future, "AutoETS")


def mstl(train: pd.DataFrame, future: pd.DataFrame, workers: int) -> pd.DataFrame:
    """statsforecast MSTL (weekly and yearly seasons by LOESS); its trend forecast by an
    ARIMA(1,1,1) with the flags as exogenous regressors. (AutoARIMA's order search with the
    regressors took ~10 s a series on the 2 cores: hours a month for 1,115 stores.)"""
    from statsforecast import StatsForecast
    from statsforecast.models import ARIMA, MSTL

    h = int(future.groupby("unique_id").size().max())
    model = MSTL(season_length=[7, 365], trend_forecaster=ARIMA(order=(1, 1, 1)))
    sf = StatsForecast(models=[model], freq="D", n_jobs=workers)
    with warnings.catch_warnings():  # flags constant in a window: a rank-deficient design
        warnings.simplefilter("ignore")
        out = sf.forecast(df=train[["unique_id", "ds", "y", *FLAGS]], h=h, X_df=future)
    return closed_zero(out.reset_index() if "unique_id" not in out else out, future, "MSTL")


def mlforecast(train: pd.DataFrame, future: pd.DataFrame, workers: int) -> pd.DataFrame:
    """mlforecast + LightGBM: lags, rolling means, calendar features, the flags; log1p target."""
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean
    from mlforecast.target_transforms import GlobalSklearnTransformer
    from sklearn.preprocessing import FunctionTransformer

    model = lgb.LGBMRegressor(n_estimators=400, learning_rate=0.05, num_leaves=63,
                              min_child_samples=100, subsample=0.8, subsample_freq=1,
                              colsample_bytree=0.8, n_jobs=workers, random_state=42, verbose=-1)
    fcst = MLForecast(models={"lgbm": model}, freq="D", lags=[1, 7, 14, 28, 364],
                      lag_transforms={1: [RollingMean(7), RollingMean(28)],
                                      7: [RollingMean(28)]},
                      date_features=["dayofweek", "day", "month", "dayofyear"],
                      target_transforms=[GlobalSklearnTransformer(
                          FunctionTransformer(np.log1p, np.expm1, check_inverse=False))],
                      num_threads=workers)
    fcst.fit(train[["unique_id", "ds", "y", *FLAGS]], static_features=[])
    h = int(future.groupby("unique_id").size().max())
    return closed_zero(fcst.predict(h, X_df=future), future, "lgbm")


def _prophet_chunk(parts: list[tuple[int, pd.DataFrame, pd.DataFrame]]) -> list[pd.DataFrame]:
    """Worker: Prophet per series of the chunk (weekly + yearly, the flags as regressors)."""
    from prophet import Prophet

    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.WARNING)
    out = []
    for series_id, train, future in parts:
        fit = train[(train["is_open"] > 0) & (train["y"] > 0)]
        model = Prophet(weekly_seasonality=True, yearly_seasonality=True, daily_seasonality=False)
        for flag in ("promo", "is_holiday", "school_holiday"):
            model.add_regressor(flag)
        model.fit(fit[["ds", "y", "promo", "is_holiday", "school_holiday"]])
        pred = model.predict(future[["ds", "promo", "is_holiday", "school_holiday"]])
        out.append(pd.DataFrame({"unique_id": series_id, "ds": future["ds"].to_numpy(),
                                 "prophet": pred["yhat"].to_numpy()}))
    return out


def prophet(train: pd.DataFrame, future: pd.DataFrame, workers: int) -> pd.DataFrame:
    """Prophet per series, ``workers`` processes, fitted on open days with sales."""
    # Only the days really sold: the filled gap days would be invented data for Prophet.
    train = train[train["y"] > 0]
    items = [(int(sid), part, future[future["unique_id"] == sid])
             for sid, part in train.groupby("unique_id", sort=True)]
    chunks = [items[i : i + 8] for i in range(0, len(items), 8)]
    with ProcessPoolExecutor(workers) as pool:
        parts = [df for chunk in pool.map(_prophet_chunk, chunks) for df in chunk]
    return closed_zero(pd.concat(parts, ignore_index=True), future, "prophet")


RUNNERS: dict[str, Callable[[pd.DataFrame, pd.DataFrame, int], pd.DataFrame]] = {
    "ets": ets, "mstl": mstl, "mlforecast": mlforecast, "prophet": prophet}


def run_peer(name: str, train: pd.DataFrame, future: pd.DataFrame, actual: pd.DataFrame,
             workers: int) -> dict:
    """One peer on one month: WAPE, RMSPE, wall and CPU seconds (children included)."""
    cpu, started = _cpu_seconds(), time.perf_counter()
    try:
        forecast = RUNNERS[name](train, future, workers)
    except Exception as exc:  # a peer that fails is reported, the others still run
        print(f"  {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    wape, rmspe = score(forecast, actual)
    print(f"  {name}: WAPE {wape:.4f} RMSPE {rmspe:.4f}, {wall:.0f} s wall, {cpu:.0f} s CPU",
          file=sys.stderr)
    return {"wape": wape, "rmspe": rmspe, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1)}


def warm_up(peers: list[str]) -> None:
    """Compile statsforecast's numba code once, outside every timing (a cache on disk keeps
    it for later runs; the first run of a fresh install would otherwise pay it in month 1)."""
    if not {"ets", "mstl"} & set(peers):
        return
    n = 800  # more than two years: MSTL's yearly season needs two
    days = pd.date_range("2013-01-01", periods=n + 30, freq="D")
    y = 100 + 10 * np.sin(np.arange(n + 30) * 2 * np.pi / 7)
    flags = {f: (np.arange(n + 30) % (3 + i) == 0).astype(float) for i, f in enumerate(FLAGS)}
    whole = pd.DataFrame({"unique_id": 1, "ds": days, "y": y, **flags})
    for name in ("ets", "mstl"):
        if name in peers:
            RUNNERS[name](whole[:n], whole[n:].drop(columns="y"), 1)


def bench_peers(frame: pd.DataFrame, month: str, peers: list[str], workers: int) -> dict:
    """planfact's engine, then every peer, on one month: the JSON record of the month."""
    cutoff = pd.Timestamp(f"{month}-01").date() - dt.timedelta(days=1)
    load_start = load_average()
    engine = bench_month(frame, cutoff, workers, False, None)
    print(f"{month}: planfact WAPE {engine['scores']['selected'][0]:.4f} RMSPE "
          f"{engine['scores']['selected'][1]:.4f}, {engine['wall']:.0f} s", file=sys.stderr)
    data, actual = month_frame(frame, cutoff)
    train, future = split(data, cutoff)
    record = {"planfact": month_record(engine),
              "peers": {name: run_peer(name, train, future, actual, workers) for name in peers},
              "load_start": load_start, "load_end": load_average()}
    return record


def summary(months: dict[str, dict], peers: list[str]) -> list[str]:
    """Per-month WAPE / RMSPE of planfact and each peer; issue 28's acceptance: the plan beats
    every peer in both WAPE and RMSPE in at least 6 of 7 months (n - 1 of n)."""
    head = "| month | planfact | " + " | ".join(peers) + " |"
    lines = [head, "|" + "---|" * (len(peers) + 2)]
    wins = 0
    for month, rec in months.items():
        plan = rec["planfact"]["selected"]
        cells = [f"{plan['wape']:.4f} / {plan['rmspe']:.4f}"]
        beats = True
        for name in peers:
            peer = rec["peers"].get(name, {})
            if "wape" not in peer:
                cells.append("failed")
                continue
            beats &= plan["wape"] < peer["wape"] and plan["rmspe"] < peer["rmspe"]
            cells.append(f"{peer['wape']:.4f} / {peer['rmspe']:.4f}")
        wins += beats
        lines.append(f"| {month} | " + " | ".join(cells) + " |")
    need = max(len(months) - 1, 1)
    lines += ["", f"planfact beats every peer in WAPE and RMSPE: {wins} of {len(months)} months "
              f"(need >= {need}): {'holds' if wins >= need else 'MISSED'}"]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("ROSSMANN_DIR", DEFAULT_DATA)))
    parser.add_argument("--months", nargs="+", default=["2015-01..2015-07"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--every", type=int, default=1,
                        help="every N-th store only (a smoke test, not the bench)")
    parser.add_argument("--peers", default=",".join(PEERS),
                        help=f"comma-separated subset of {','.join(PEERS)}")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    peers = [p for p in args.peers.split(",") if p]
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        parser.error(f"--peers: unknown {unknown}; known: {list(PEERS)}")
    if not (args.data / "train.csv.gz").exists():
        print(f"SKIP: Rossmann data not found at {args.data} (set ROSSMANN_DIR)", file=sys.stderr)
        return 0
    frame = subset(load_rossmann(args.data)[0], args.every)
    warm_up(peers)
    months = {m: bench_peers(frame, m, peers, args.workers) for m in parse_months(args.months)}
    print("\n".join(summary(months, peers)))
    write_results(results_path("peers", args.every, args.out), "peers", months,
                  workers=args.workers, every=args.every,
                  stores=int(frame["series_id"].nunique()), peers=peers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
