"""The forecasting engine: backtest every candidate, select per series, forecast a month.

Input grain: one row per (series_id, ds) of the long frame that
``mart.export_training`` returns (see :func:`run_engine`). For each period — an
optional warm-up fold (0), the evaluation folds 1..n and the final fit (n + 1) —
per-series candidates are fitted in worker processes on data up to that period's
cutoff, the global LightGBM once on all series, and combinations are assembled
from the base candidates ranked on *earlier* folds only. Metrics of every
candidate and fold are the evidence for selection; the selected candidate's final
forecast, with conformal intervals where the model has none, is the result.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from typing import Any

import numpy as np
import pandas as pd

from forecasting.backtest import Fold, rolling_origin_folds
from forecasting.calendar import Calendar, MonthCalendar, target_period
from forecasting.evaluation import EPOCH, Output, candidate_frames, evaluate_series
from forecasting.experiments import Candidate, ExperimentConfig
from forecasting.models import EXOG, MODELS, library_versions
from forecasting.progress import progress as progress_steps
from forecasting.progress import progress_bar
from forecasting.selection import select_models

__all__ = ["EngineResult", "run_engine", "REQUIRED_COLUMNS"]

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("series_id", "ds", "y", "promo", "is_open", "is_holiday", "school_holiday")
_CHUNK = 8  # series per worker task: small enough to balance, large enough to amortise IPC


@dataclass
class EngineResult:
    """What one run produces; see the contract in the module docstring of run_engine."""

    forecasts: pd.DataFrame
    backtest: pd.DataFrame
    selection: pd.DataFrame
    models: dict[str, dict[str, Any]]
    timings: dict[str, float]
    candidate_forecasts: pd.DataFrame | None = field(default=None, repr=False)
    fold_forecasts: pd.DataFrame | None = field(default=None, repr=False)


@dataclass(frozen=True)
class _Period:
    number: int  # 0 warm-up, 1..n folds, n + 1 final
    train_start: int | None  # day numbers since epoch
    cutoff: int
    start: int
    end: int


def _day(value: dt.date | pd.Timestamp) -> int:
    return int((np.datetime64(pd.Timestamp(value).date(), "D") - EPOCH).astype(np.int64))  # type: ignore[attr-defined]


def _periods(folds: list[Fold], cutoff: dt.date, history_days: int | None,
             calendar: Calendar) -> list[_Period]:
    out = [_Period(f.number, _day(f.train_start) if f.train_start else None, _day(f.cutoff),
                   _day(f.test_start), _day(f.test_end)) for f in folds]
    target = target_period(calendar, cutoff)
    start, end = target.start, target.end
    train_start = _day(cutoff) - history_days + 1 if history_days else None
    out.append(_Period(folds[-1].number + 1, train_start, _day(cutoff), _day(start), _day(end)))
    return out


def _validate(frame: pd.DataFrame, cutoff: dt.date, calendar: Calendar) -> pd.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"input frame: missing column(s) {missing}")
    target = target_period(calendar, cutoff)  # raises when cutoff is not a period end
    frame = frame.sort_values(["series_id", "ds"], kind="stable").reset_index(drop=True)
    frame["ds"] = pd.to_datetime(frame["ds"]).astype("datetime64[ns]")
    for column in ("promo", "is_open", "is_holiday", "school_holiday"):
        if frame[column].isna().any():
            raise ValueError(f"input frame: column {column!r} has missing values")
    span = frame.groupby("series_id")["ds"].agg(["min", "max", "count"])
    gaps = span[(span["max"] - span["min"]).dt.days + 1 != span["count"]]
    if not gaps.empty:
        raise ValueError(f"input frame: column 'ds' has gaps or duplicates for series "
                         f"{gaps.index[:5].tolist()}")
    end = pd.Timestamp(target.end)
    short = span[span["max"] < end]
    if not short.empty:
        raise ValueError(f"input frame: series {short.index[:5].tolist()} end before {end.date()}"
                         " (rows of the target month carry its known flags)")
    frame = frame[frame["ds"] <= end].copy()
    # Defensive: whatever the caller passed, no model may see actuals after the cutoff.
    frame.loc[frame["ds"] > pd.Timestamp(cutoff), "y"] = np.nan
    frame["t"] = (frame["ds"].to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)
    return frame


def _build(candidate: Candidate, seed: int) -> Any:
    """A fresh model; the run's seed goes to models that take one unless the file sets it."""
    cls = MODELS[candidate.model]
    params = dict(candidate.params)
    if "seed" in inspect.signature(cls).parameters and "seed" not in params:
        params["seed"] = seed
    return cls(**params)


def _fit_series(task: tuple) -> list[tuple[int, dict, dict, dict]]:
    """Worker: fit every local candidate on every period for a chunk of series.

    Returns per series ``(series_id, {(key, period): Output}, {key: seconds}, {key: failures})``.
    """
    chunk, candidates, periods, levels, seed = task
    out = []
    for series_id, y, X in chunk:
        t0 = int(X[0, 0])
        outputs: dict[tuple[str, int], Output] = {}
        seconds: dict[str, float] = defaultdict(float)
        failures: dict[str, int] = defaultdict(int)
        for p in periods:
            lo = 0 if p.train_start is None else max(0, p.train_start - t0)
            hi, a, b = p.cutoff - t0 + 1, p.start - t0, p.end - t0 + 1
            if hi - lo < 28 or not np.isfinite(y[lo:hi]).any():
                continue  # too little history (a new store): no forecast, no evidence
            for cand in candidates:
                started = time.perf_counter()
                try:
                    model = _build(cand, seed).fit(y[lo:hi], X[lo:hi])
                    outputs[(cand.key, p.number)] = model.predict(b - a, X[a:b], levels=levels)
                except Exception:  # one bad series must not stop 1,000 others
                    logger.debug("candidate failed", extra={"series_id": series_id,
                                                            "model": cand.label}, exc_info=True)
                    failures[cand.key] += 1
                seconds[cand.key] += time.perf_counter() - started
        out.append((series_id, outputs, dict(seconds), dict(failures)))
    return out


def _run_local(arrays, candidates, periods, levels, seed, workers, progress):
    tasks = [(arrays[i : i + _CHUNK], candidates, periods, levels, seed)
             for i in range(0, len(arrays), _CHUNK)]
    bar = progress_bar(total=len(arrays), desc="per-series models", enabled=progress)
    results = []
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.extend(_fit_series(task))
            bar.update(len(task[0]))
    else:
        # fork where available: spawn would re-import the caller's __main__ (scripts without a
        # main guard break) and costs seconds per worker. Workers never run LightGBM/OpenMP,
        # so inheriting the parent's thread pools after fork is harmless.
        method = "fork" if "fork" in get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(workers, mp_context=get_context(method)) as pool:
            for part in pool.map(_fit_series, tasks):
                results.extend(part)
                bar.update(len(part))
    bar.close()
    return results


def _run_global(frame, shard_ids, candidates, periods, seed, progress):
    """Fit each global candidate once per period on ALL series; keep the shard's output."""
    outputs: dict[int, dict[tuple[str, int], Output]] = defaultdict(dict)
    seconds: dict[str, float] = {}
    for cand in candidates:
        started = time.perf_counter()
        for p in progress_steps(periods, desc=f"global {cand.label}", enabled=progress):
            model = _build(cand, seed).fit_frame(frame, pd.Timestamp(EPOCH + p.cutoff))
            pred = model.predict_frame(pd.Timestamp(EPOCH + p.start), pd.Timestamp(EPOCH + p.end))
            pred = pred[pred["series_id"].isin(shard_ids)]
            for series_id, part in pred.groupby("series_id", sort=True):
                outputs[series_id][(cand.key, p.number)] = {"mean": part["mean"].to_numpy()}
        seconds[cand.key] = time.perf_counter() - started
    return outputs, seconds


def run_engine(
    frame: pd.DataFrame,
    cutoff: dt.date,
    config: ExperimentConfig,
    *,
    shard: tuple[int, int] = (1, 1),
    workers: int | None = None,
    progress: bool = True,
    keep_candidates: bool = False,
    calendar: Calendar | None = None,
) -> EngineResult:
    """Backtest, select and forecast the period after ``cutoff`` (a calendar month by default).

    ``frame``: one row per (series_id, ds), columns :data:`REQUIRED_COLUMNS` plus
    optional store_id, group_id, store_type; daily without gaps up to the end of the
    target month. Only series with ``series_id % n == i - 1`` for ``shard=(i, n)`` are
    fitted and returned; global models always train on every series in ``frame``.
    ``keep_candidates`` also returns every candidate's final and fold forecasts.
    ``calendar`` (default: calendar months) cuts the target and the backtest folds into
    its periods; ``cutoff`` must be the last day of one of them.
    """
    started = time.perf_counter()
    index, count = shard
    if not (isinstance(index, int) and isinstance(count, int) and 1 <= index <= count):
        raise ValueError(f"shard must be (i, n) with 1 <= i <= n, got {shard}")
    if not isinstance(cutoff, dt.date):
        raise ValueError(f"cutoff must be a date, got {cutoff!r}")
    cutoff = cutoff.date() if isinstance(cutoff, dt.datetime) else cutoff
    group_by = config.selection.group_by if config.selection.level == "group" else None
    if group_by and group_by not in frame.columns:
        raise ValueError(f"input frame: selection.group_by column {group_by!r} is missing")
    workers = workers or os.cpu_count() or 1
    calendar = calendar if calendar is not None else MonthCalendar()
    frame = _validate(frame, cutoff, calendar)
    ids = np.unique(frame["series_id"].to_numpy())
    shard_ids = ids[ids % count == index - 1]
    kinds = {c.key: MODELS[c.model] for c in config.candidates}
    combos = [c for c in config.candidates if getattr(kinds[c.key], "is_combination", False)]
    globals_ = [c for c in config.candidates if kinds[c.key].is_global]
    local = [c for c in config.candidates if c not in combos and c not in globals_]
    warmup = config.backtest.warmup_folds
    folds = list(rolling_origin_folds(cutoff, config.backtest.folds, warmup_folds=warmup,
                                      history_days=config.backtest.history_days, calendar=calendar))
    periods = _periods(folds, cutoff, config.backtest.history_days, calendar)
    final_no = periods[-1].number
    sub = frame[frame["series_id"].isin(shard_ids)]
    sid = sub["series_id"].to_numpy()
    y_all, X_all = sub["y"].to_numpy(float), sub[list(EXOG)].to_numpy(float)
    cuts = np.r_[0, np.flatnonzero(np.diff(sid)) + 1, len(sid)]
    arrays = [(int(sid[a]), y_all[a:b], X_all[a:b]) for a, b in zip(cuts[:-1], cuts[1:],
                                                                       strict=True) if b > a]
    timings: dict[str, float] = {"phase:prepare": time.perf_counter() - started}
    logger.info("engine start", extra={"series": len(arrays), "candidates": len(kinds),
                                       "periods": len(periods), "shard": f"{index}/{count}"})

    mark = time.perf_counter()
    local_results = _run_local(arrays, local, periods, config.levels, config.seed, workers,
                               progress) if local and arrays else []
    timings["phase:local"] = time.perf_counter() - mark
    mark = time.perf_counter()
    global_out, global_sec = _run_global(frame, shard_ids, globals_, periods, config.seed,
                                         progress) if globals_ else ({}, {})
    timings["phase:global"] = time.perf_counter() - mark

    mark = time.perf_counter()
    seconds: dict[str, float] = defaultdict(float, global_sec)
    failures: dict[str, int] = defaultdict(int)
    by_id = {series_id: (outs, secs, fails) for series_id, outs, secs, fails in local_results}
    rows: list[tuple] = []
    per_series = []
    for series_id, y, X in arrays:
        outputs, secs, fails = by_id.get(series_id, ({}, {}, {}))
        outputs = {**outputs, **global_out.get(series_id, {})}
        for key, value in secs.items():
            seconds[key] += value
        for key, value in fails.items():
            failures[key] += value
        rows += evaluate_series(series_id, y, X, outputs, config, periods, final_no, combos)
        per_series.append((series_id, y, X, outputs))
    backtest = pd.DataFrame(rows, columns=["series_id", "model_key", "fold", "metric", "value"])
    backtest = backtest.astype({"series_id": "int64", "fold": "int64", "value": "float64"})
    timings["phase:evaluate"] = time.perf_counter() - mark

    mark = time.perf_counter()
    groups = frame.groupby("series_id")[group_by].first() if group_by else None
    selection = select_models(backtest[backtest["fold"] >= 1], config.selection, config.metrics,
                              [c.key for c in config.candidates], groups)
    selection = selection.set_index("series_id").reindex([a[0] for a in arrays])
    selection["model_key"] = selection["model_key"].fillna(config.selection.fallback)
    selection["score"] = selection["score"].astype(float)
    selection["reason"] = selection["reason"].fillna("fallback: no backtest evidence")
    timings["phase:select"] = time.perf_counter() - mark

    mark = time.perf_counter()
    t_of = {p.number: p for p in periods}
    final = t_of[final_no]
    days = (EPOCH + np.arange(final.start, final.end + 1)).astype("datetime64[ns]")
    parts = []
    for series_id, _y, _X, outputs in per_series:
        key = selection.at[series_id, "model_key"]
        out = outputs.get((key, final_no))
        if out is None or not np.isfinite(out["mean"]).all():
            fallback = config.selection.fallback
            selection.at[series_id, "reason"] += f"; {key} failed to forecast, used fallback"
            key, out = fallback, outputs.get((fallback, final_no))
            selection.at[series_id, "model_key"] = key
        if out is None:  # nothing could be fitted (e.g. no history): an explicit zero plan
            selection.at[series_id, "reason"] += "; no model could be fitted, forecast is 0"
            out = {"mean": np.zeros(len(days))}
        columns = {"mean": out["mean"]}
        for lv in config.levels:
            columns[f"lo_{lv}"] = out.get(f"lo-{lv}", np.full(len(days), np.nan))
            columns[f"hi_{lv}"] = out.get(f"hi-{lv}", np.full(len(days), np.nan))
        parts.append(pd.DataFrame({"series_id": series_id, "ds": days, "model_key": key,
                                   **columns}))
    forecasts = (pd.concat(parts, ignore_index=True) if parts else
                 pd.DataFrame(columns=["series_id", "ds", "model_key", "mean"]))
    candidate_forecasts, fold_forecasts = candidate_frames(per_series, final_no, t_of, config.levels,
                                                  keep_candidates)
    timings["phase:forecast"] = time.perf_counter() - mark

    models = {c.key: {"name": c.model, "experiment": c.experiment, "label": c.label,
                      "params": dict(c.params), "seed": config.seed,
                      "library_versions": library_versions(c.model)} for c in config.candidates}
    for c in config.candidates:
        timings[f"candidate:{c.label}"] = float(seconds.get(c.key, 0.0))
        if failures.get(c.key):
            timings[f"failures:{c.label}"] = float(failures[c.key])
    timings["total"] = time.perf_counter() - started
    logger.info("engine done", extra={"seconds": round(timings["total"], 1)})
    return EngineResult(forecasts, backtest, selection.reset_index(), models, timings,
                        candidate_forecasts, fold_forecasts)
