"""Fold forecasts: every candidate fitted on each period's training window, forecasting its month.

A period is a warm-up fold (number <= 0), an evaluation fold (1..n) or the final fit
(n + 1); days are integer day numbers since :data:`EPOCH`. Per-series candidates are
fitted in worker processes on numpy arrays, chunk by chunk; global candidates once
per period on the whole frame. The outputs, keyed ``(model_key, period number)``, are
the raw material of combinations, intervals, metrics and the final forecast.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from forecasting.backtest import Fold
from forecasting.calendar import Calendar, MonthCalendar, target_period
from forecasting.experiments import Candidate
from forecasting.models import MODELS
from forecasting.pool import worker_pool
from forecasting.progress import progress_bar

__all__ = ["EPOCH", "Output", "Period", "SeriesArrays", "day_number", "periods_for",
           "build_model", "fit_local", "fit_global", "fit_all", "FitResults", "MIN_TRAIN_DAYS"]

logger = logging.getLogger(__name__)

EPOCH = np.datetime64("1970-01-01", "D")
Output = dict[str, np.ndarray]  # {"mean": (h,), "lo-80": (h,), ...}
SeriesArrays = tuple[int, np.ndarray, np.ndarray]  # (series_id, y (n,), X (n, len(EXOG)))
MIN_TRAIN_DAYS = 28  # a per-series model needs at least four weeks of history in its window
_CHUNK = 8  # series per worker task: small enough to balance, large enough to amortise IPC
T = TypeVar("T")
LocalResult = tuple[int, dict, dict, dict, dict]  # see _fit_chunk


class FitResults(NamedTuple):
    """What :func:`fit_all` returns: per-series results (one :data:`LocalResult` per series),
    the global outputs per series, the global seconds per key, warnings, phase timings."""

    local: list[LocalResult]
    global_outputs: dict[int, dict[tuple[str, int], Output]]
    global_seconds: dict[str, float]
    warnings: list[str]
    timings: dict[str, float]


@dataclass(frozen=True)
class Period:
    """One period of the backtest in day numbers: train on [train_start, cutoff], test [start, end]."""

    number: int  # 0 warm-up, 1..n folds, n + 1 final
    train_start: int | None  # day numbers since epoch
    cutoff: int
    start: int
    end: int


def day_number(value: dt.date | pd.Timestamp) -> int:
    """Days since 1970-01-01 of a date."""
    return int((np.datetime64(pd.Timestamp(value).date(), "D") - EPOCH).astype(np.int64))  # type: ignore[attr-defined]


def periods_for(folds: Sequence[Fold], cutoff: dt.date, history_days: int | None,
                calendar: Calendar | None = None) -> list[Period]:
    """The folds as periods, plus the final period (the calendar's period after ``cutoff``)."""
    out = [Period(f.number, day_number(f.train_start) if f.train_start else None,
                  day_number(f.cutoff), day_number(f.test_start), day_number(f.test_end))
           for f in folds]
    target = target_period(calendar if calendar is not None else MonthCalendar(), cutoff)
    start, end = target.start, target.end
    train_start = day_number(cutoff) - history_days + 1 if history_days else None
    out.append(Period(folds[-1].number + 1, train_start, day_number(cutoff), day_number(start),
                      day_number(end)))
    return out


def build_model(candidate: Candidate, seed: int) -> Any:
    """A fresh model; the run's seed goes to models that take one unless the file sets it."""
    cls = MODELS[candidate.model]
    params = dict(candidate.params)
    if "seed" in inspect.signature(cls).parameters and "seed" not in params:
        params["seed"] = seed
    return cls(**params)


def _fit_chunk(task: tuple) -> list[tuple[int, dict, dict, dict, dict]]:
    """Worker: fit every local candidate on every period for a chunk of series.

    Returns per series ``(series_id, {(key, period): Output}, {key: seconds}, {key: failures},
    {key: first error as "Type: message"})``.
    """
    chunk, candidates, periods, levels, seed = task
    out = []
    for series_id, y, X in chunk:
        t0 = int(X[0, 0])
        outputs: dict[tuple[str, int], Output] = {}
        seconds: dict[str, float] = defaultdict(float)
        failures: dict[str, int] = defaultdict(int)
        errors: dict[str, str] = {}
        for p in periods:
            lo = 0 if p.train_start is None else max(0, p.train_start - t0)
            hi, a, b = p.cutoff - t0 + 1, p.start - t0, p.end - t0 + 1
            if hi - lo < MIN_TRAIN_DAYS or not np.isfinite(y[lo:hi]).any():
                continue  # too little history (a new store): no forecast, no evidence
            for cand in candidates:
                started = time.perf_counter()
                try:
                    model = build_model(cand, seed).fit(y[lo:hi], X[lo:hi])
                    outputs[(cand.key, p.number)] = model.predict(b - a, X[a:b], levels=levels)
                except Exception as exc:  # one bad series must not stop 1,000 others
                    logger.debug("candidate failed", extra={"series_id": series_id,
                                                            "model": cand.label}, exc_info=True)
                    failures[cand.key] += 1
                    errors.setdefault(cand.key, f"{type(exc).__name__}: {exc}"[:300])
                seconds[cand.key] += time.perf_counter() - started
        out.append((series_id, outputs, dict(seconds), dict(failures), errors))
    return out


def fit_local(arrays: Sequence[SeriesArrays], candidates: Sequence[Candidate],
              periods: Sequence[Period], levels: Sequence[int], seed: int, workers: int,
              progress: bool, started: Callable[[], None] | None = None) -> list[LocalResult]:
    """Fold forecasts of the per-series candidates, one tuple per series (see ``_fit_chunk``).

    ``started`` is called once the worker processes exist (other work may start then).
    """
    tasks = [(arrays[i : i + _CHUNK], candidates, periods, levels, seed)
             for i in range(0, len(arrays), _CHUNK)]
    bar = progress_bar(total=len(arrays), desc="per-series models", enabled=progress)
    results = []
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.extend(_fit_chunk(task))
            bar.update(len(task[0]))
    else:
        # Workers die with this process (forecasting.pool): a killed run leaves no orphan.
        with worker_pool(workers) as pool:
            parts = pool.map(_fit_chunk, tasks)  # submits every task: the workers are forked
            if started is not None:
                started()
            for part in parts:
                results.extend(part)
                bar.update(len(part))
    bar.close()
    return results


def _fit_period(cand: Candidate, seed: int, frame: pd.DataFrame, p: Period,
                features: pd.DataFrame | None) -> pd.DataFrame | str:
    """One global fit and its forecast ``(series_id, ds, mean)``, or the error as text."""
    try:
        model = build_model(cand, seed)
        cutoff = pd.Timestamp(EPOCH + p.cutoff)
        model = model.fit_frame(frame, cutoff, features=features) if features is not None \
            else model.fit_frame(frame, cutoff)
        return model.predict_frame(pd.Timestamp(EPOCH + p.start), pd.Timestamp(EPOCH + p.end))
    except Exception as exc:
        logger.warning("global candidate failed", exc_info=True,
                       extra={"model": cand.label, "period": p.number})
        return f"{type(exc).__name__}: {exc}"


def _shared_features(cand: Candidate, seed: int, frame: pd.DataFrame,
                     periods: Sequence[Period]) -> pd.DataFrame | None:
    """The candidate's one feature table for every period, when its model offers one."""
    try:
        model = build_model(cand, seed)
        if not hasattr(model, "shared_features"):
            return None
        return model.shared_features(frame, [pd.Timestamp(EPOCH + p.cutoff) for p in periods],
                                     [pd.Timestamp(EPOCH + p.end) for p in periods])
    except Exception:  # each period then builds its own and reports its own failure
        logger.warning("shared features failed", exc_info=True, extra={"model": cand.label})
        return None


def fit_global(frame: pd.DataFrame, shard_ids: np.ndarray, candidates: Sequence[Candidate],
               periods: Sequence[Period], seed: int, progress: bool, threads: int = 1
               ) -> tuple[dict[int, dict[tuple[str, int], Output]], dict[str, float], list[str]]:
    """Fit each global candidate once per period on ALL series; keep the shard's output.

    ``threads`` fits run at once: the periods of a model with ``parallel_periods`` (the
    LightGBM: its training releases the GIL) each in a thread, beside one lane that fits the
    other global models one after another (pandas and statsmodels hold the GIL, and their
    warning filters are not thread-safe). A global model that raises for a period gives no
    output for that period (the series fall back to other candidates) and a warning for the
    run, never a failed run.
    """
    parallel = [c for c in candidates if getattr(MODELS[c.model], "parallel_periods", False)]
    results: dict[str, list[pd.DataFrame | str]] = {}
    seconds: dict[str, float] = {}
    bar = progress_bar(total=len(candidates) * len(periods), desc="global models",
                       enabled=progress)

    def fit(cand: Candidate, p: Period, features: pd.DataFrame | None) -> pd.DataFrame | str:
        out = _fit_period(cand, seed, frame, p, features)
        bar.update(1)
        return out

    def lane() -> None:
        for cand in (c for c in candidates if c not in parallel):
            started = time.perf_counter()
            results[cand.key] = [fit(cand, p, None) for p in periods]
            seconds[cand.key] = time.perf_counter() - started

    with ThreadPoolExecutor(max(1, threads)) as pool:
        others = pool.submit(lane)
        for cand in parallel:
            started = time.perf_counter()
            features = _shared_features(cand, seed, frame, periods)
            futures = [pool.submit(fit, cand, p, features) for p in periods]
            results[cand.key] = [f.result() for f in futures]
            seconds[cand.key] = time.perf_counter() - started
        others.result()
    bar.close()
    return _global_outputs(candidates, periods, results, shard_ids), seconds, [
        f"global model {c.label} failed on period {p.number}: {pred}"[:300]
        for c in candidates for p, pred in zip(periods, results[c.key], strict=True)
        if isinstance(pred, str)]


def _global_outputs(candidates: Sequence[Candidate], periods: Sequence[Period],
                    results: dict[str, list[pd.DataFrame | str]], shard_ids: np.ndarray
                    ) -> dict[int, dict[tuple[str, int], Output]]:
    """``{series_id: {(key, period): {"mean": (h,)}}}`` of the shard's series."""
    outputs: dict[int, dict[tuple[str, int], Output]] = defaultdict(dict)
    for cand in candidates:
        for p, pred in zip(periods, results[cand.key], strict=True):
            if isinstance(pred, str):
                continue
            pred = pred[pred["series_id"].isin(shard_ids)]
            for series_id, part in pred.groupby("series_id", sort=True):
                outputs[series_id][(cand.key, p.number)] = {"mean": part["mean"].to_numpy()}
    return outputs


def fit_all(frame: pd.DataFrame, arrays: Sequence[SeriesArrays], shard_ids: np.ndarray,
            local: Sequence[Candidate], global_: Sequence[Candidate], periods: Sequence[Period],
            levels: Sequence[int], seed: int, workers: int, progress: bool) -> FitResults:
    """The per-series and the global fits, overlapped when ``workers`` > 1.

    The per-series worker processes are forked first (all at the first submit), and only
    then does a thread start the global fits beside them: no process is forked while a
    LightGBM thread runs. ``workers`` bounds the worker processes and the threads of a
    global model's periods alike; on a busy machine a smaller PLANFACT_WORKERS keeps both.
    """
    timings: dict[str, float] = {}
    pending: list[Future] = []
    with ThreadPoolExecutor(1) as side:
        def start_global() -> None:
            if global_ and not pending:
                pending.append(side.submit(_timed, timings, "phase:global", fit_global, frame,
                                           shard_ids, global_, periods, seed, progress, workers))

        # One worker: one thing at a time, the global fits after the per-series ones.
        local_results = _timed(timings, "phase:local", fit_local, arrays, local, periods, levels,
                               seed, workers, progress, start_global if workers > 1 else None
                               ) if local and arrays else []
        start_global()
        global_out, global_sec, warnings = pending[0].result() if pending else ({}, {}, [])
    return FitResults(local_results, global_out, global_sec, warnings, timings)


def _timed(timings: dict[str, float], name: str, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)``, its wall seconds recorded under ``name``."""
    started = time.perf_counter()
    try:
        return func(*args)
    finally:
        timings[name] = time.perf_counter() - started
