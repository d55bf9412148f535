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
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.backtest import rolling_origin_folds
from forecasting.calendar import Calendar, MonthCalendar, target_period
from forecasting.coldstart import DESCRIPTION as COLD_START_RULE
from forecasting.coldstart import MODEL_NAME as COLD_START
from forecasting.coldstart import cold_start_profile
from forecasting.evaluation import candidate_frames, evaluate_series
from forecasting.experiments import Candidate, ExperimentConfig
from forecasting.fitting import EPOCH, FitResults, Period, SeriesArrays, fit_all, periods_for
from forecasting.forecasts import COLD_START_KEY, assemble_forecasts
from forecasting.models import EXOG, MODELS, library_versions
from forecasting.models.base import OPEN
from forecasting.models.stack import add_stack_outputs, stack_members
from forecasting.scoring import PERCENTAGE_METRICS, fold_volumes, skipped_on_folds
from forecasting.selection import CONSTRAINT_FALLBACK, select_models

__all__ = ["EngineResult", "run_engine", "REQUIRED_COLUMNS", "FLAG_COLUMNS"]

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("series_id", "ds", "y", "promo", "is_open", "is_holiday", "school_holiday")
FLAG_COLUMNS = ("series_id", "flag", "reason")


RECENT_DAYS = 28  # "still selling": any non-zero actual this close to the cutoff


def _planned_nothing(frame: pd.DataFrame, forecasts: pd.DataFrame, cutoff: dt.date) -> list[int]:
    """Series open in the target period, with a non-zero actual in the last ``RECENT_DAYS`` days
    before it, whose plan is <= 0 every day.

    A plan is never negative, so a series whose recent net sales are returns gets a flat 0: right
    as a number, but a user must hear of it rather than find it (issue 19: never silently). A
    series known closed for the whole period is planned 0 for that reason and is not counted.
    """
    if forecasts.empty:
        return []
    end = pd.Timestamp(cutoff)
    recent = frame[(frame["ds"] > end - pd.Timedelta(days=RECENT_DAYS)) & (frame["ds"] <= end)]
    sold = recent.loc[recent["y"].fillna(0).abs() > 0, "series_id"].unique()
    future = frame[frame["ds"] > end]
    opened = future.loc[future["is_open"] > 0, "series_id"].unique()
    top = forecasts.groupby("series_id")["mean"].max()
    return sorted(int(s) for s in top[top <= 0].index.intersection(sold).intersection(opened))


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
    # One row per (series_id, flag, reason): cold_start, fallback, model_error (see forecasts.py).
    flags: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(FLAG_COLUMNS)))
    # Sentences about the whole run (a global model failed, series fell back, ...).
    warnings: list[str] = field(default_factory=list)


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


@dataclass
class _Plan:
    """What the phases share: the validated frame, the shard's series as arrays (see
    :data:`SeriesArrays`), the candidates by kind, the periods and labels."""

    frame: pd.DataFrame
    arrays: list[SeriesArrays]
    shard_ids: np.ndarray
    local: list[Candidate]
    global_: list[Candidate]
    combos: list[Candidate]  # combinations assembled per series (not stacks)
    stacks: list[Candidate]
    periods: list[Period]
    labels: dict[str, str]
    group_by: str | None

    @property
    def final_no(self) -> int:
        """The number of the final period (the target month)."""
        return self.periods[-1].number


@dataclass
class _Evidence:
    """The evaluation phase's output: series outputs, backtest rows, flags and counts."""

    per_series: list[tuple[int, np.ndarray, np.ndarray, dict]]
    backtest: pd.DataFrame
    volumes: pd.DataFrame  # one row per (series_id, fold, volume)
    flags: list[tuple[int, str, str]]
    seconds: dict[str, float]
    failures: dict[str, int]
    skipped: int
    stack_specs: list[tuple[str, Any, list[str]]]
    stack_weights: dict[str, dict[int, list[float]]]


def _checked(frame: pd.DataFrame, cutoff: dt.date, config: ExperimentConfig,
             shard: tuple[int, int]) -> tuple[dt.date, str | None]:
    """The cutoff as a date and the selection's group column, or a ValueError naming the
    argument."""
    index, count = shard
    if not (isinstance(index, int) and isinstance(count, int) and 1 <= index <= count):
        raise ValueError(f"shard must be (i, n) with 1 <= i <= n, got {shard}")
    if not isinstance(cutoff, dt.date):
        raise ValueError(f"cutoff must be a date, got {cutoff!r}")
    cutoff = cutoff.date() if isinstance(cutoff, dt.datetime) else cutoff
    group_by = config.selection.group_by if config.selection.level == "group" else None
    if group_by and group_by not in frame.columns:
        raise ValueError(f"input frame: selection.group_by column {group_by!r} is missing")
    return cutoff, group_by


def _plan(frame: pd.DataFrame, cutoff: dt.date, config: ExperimentConfig, shard: tuple[int, int],
          calendar: Calendar, group_by: str | None) -> _Plan:
    """Validate the frame, cut the shard's series into arrays, sort the candidates by kind
    and lay out the periods (warm-up, folds, final)."""
    index, count = shard
    frame = _validate(frame, cutoff, calendar)
    ids = np.unique(frame["series_id"].to_numpy())
    shard_ids = ids[ids % count == index - 1]
    kinds = {c.key: MODELS[c.model] for c in config.candidates}
    combos = [c for c in config.candidates if getattr(kinds[c.key], "is_combination", False)]
    stacks = [c for c in combos if getattr(kinds[c.key], "is_stack", False)]
    globals_ = [c for c in config.candidates if kinds[c.key].is_global]
    local = [c for c in config.candidates if c not in combos and c not in globals_]
    folds = list(rolling_origin_folds(cutoff, config.backtest.folds,
                                      warmup_folds=config.backtest.warmup_folds,
                                      history_days=config.backtest.history_days, calendar=calendar))
    periods = periods_for(folds, cutoff, config.backtest.history_days, calendar)
    sub = frame[frame["series_id"].isin(shard_ids)]
    sid = sub["series_id"].to_numpy()
    y_all, X_all = sub["y"].to_numpy(float), sub[list(EXOG)].to_numpy(float)
    cuts = np.r_[0, np.flatnonzero(np.diff(sid)) + 1, len(sid)]
    arrays = [(int(sid[a]), y_all[a:b], X_all[a:b]) for a, b in zip(cuts[:-1], cuts[1:],
                                                                       strict=True) if b > a]
    return _Plan(frame, arrays, shard_ids, local, globals_,
                 [c for c in combos if c not in stacks], stacks, periods,
                 {c.key: c.label for c in config.candidates}, group_by)


def _evaluate(plan: _Plan, config: ExperimentConfig, fitted: FitResults) -> _Evidence:
    """Every series' outputs, the stacks' outputs, and the backtest evidence of every fold."""
    seconds: dict[str, float] = defaultdict(float, fitted.global_seconds)
    failures: dict[str, int] = defaultdict(int)
    by_id = {r[0]: r[1:] for r in fitted.local}
    per_series = []
    flags: list[tuple[int, str, str]] = []
    for series_id, y, X in plan.arrays:
        outputs, secs, fails, errors = by_id.get(series_id, ({}, {}, {}, {}))
        outputs = {**outputs, **fitted.global_outputs.get(series_id, {})}
        for key, value in secs.items():
            seconds[key] += value
        for key, value in fails.items():
            failures[key] += value
        flags += [(series_id, "model_error", f"{plan.labels[key]} failed in {fails[key]} "
                   f"period(s): {message}") for key, message in errors.items()]
        per_series.append((series_id, y, X, outputs))
    # Stacks learn from all series' earlier periods, so their outputs exist before evaluation.
    stack_specs = stack_members(plan.stacks, config.candidates)
    stack_weights = add_stack_outputs(per_series, stack_specs, plan.periods)
    rows: list[tuple] = []
    skipped = 0
    volumes: list[tuple[int, int, float]] = []
    for series_id, y, X, outputs in per_series:
        try:
            rows += evaluate_series(series_id, y, X, outputs, config, plan.periods,
                                    plan.final_no, plan.combos)
        except Exception as exc:  # e.g. a custom metric that raises: this series has no evidence
            logger.warning("evaluation failed", extra={"series_id": series_id}, exc_info=True)
            flags.append((series_id, "model_error",
                          f"evaluation failed: {type(exc).__name__}: {exc}"[:300]))
            rows = [r for r in rows if r[0] != series_id]
        skipped += skipped_on_folds(y, X[:, OPEN], int(X[0, 0]), plan.periods)
        volumes += [(series_id, fold, v) for fold, v in fold_volumes(y, X[:, OPEN], int(X[0, 0]),
                                                                     plan.periods)]
    backtest = pd.DataFrame(rows, columns=["series_id", "model_key", "fold", "metric", "value"])
    backtest = backtest.astype({"series_id": "int64", "fold": "int64", "value": "float64"})
    return _Evidence(per_series, backtest,
                     pd.DataFrame(volumes, columns=["series_id", "fold", "volume"]), flags,
                     seconds, failures, skipped, stack_specs, stack_weights)


def _select(plan: _Plan, config: ExperimentConfig, evidence: _Evidence) -> pd.DataFrame:
    """One row per series of the shard: ``model_key``, ``score``, ``reason`` (index series_id);
    a stack's learned weights are part of its reason."""
    groups = plan.frame.groupby("series_id")[plan.group_by].first() if plan.group_by else None
    backtest = evidence.backtest
    selection = select_models(backtest[backtest["fold"] >= 1], config.selection, config.metrics,
                              [c.key for c in config.candidates], groups, evidence.volumes,
                              [c.key for c in (*plan.combos, *plan.stacks)], plan.labels)
    selection = selection.set_index("series_id").reindex([a[0] for a in plan.arrays])
    selection["model_key"] = selection["model_key"].fillna(config.selection.fallback)
    selection["score"] = selection["score"].astype(float)
    selection["reason"] = selection["reason"].fillna("fallback: no backtest evidence")
    for key, _stack, members in evidence.stack_specs:  # the learned weights go into the registry
        final_weights = evidence.stack_weights[key].get(plan.final_no)
        if final_weights is not None:
            shown = ", ".join(f"{plan.labels[m]} {w:.3f}" for m, w in zip(members, final_weights,
                                                                            strict=True))
            picked = selection["model_key"] == key
            selection.loc[picked, "reason"] += f"; stack weights: {shown}"
    return selection


def _models(plan: _Plan, config: ExperimentConfig, evidence: _Evidence,
            forecasts: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The registry's record of every candidate (and of cold start when it served)."""
    models = {c.key: {"name": c.model, "experiment": c.experiment, "label": c.label,
                      "params": dict(c.params), "seed": config.seed,
                      "library_versions": library_versions(c.model)} for c in config.candidates}
    for key, _stack, members in evidence.stack_specs:  # the learned weights are evidence too
        models[key]["weights"] = {str(number): dict(zip([plan.labels[m] for m in members],
                                                        weights, strict=True))
                                  for number, weights in evidence.stack_weights[key].items()}
    if (forecasts["model_key"] == COLD_START_KEY).any():
        models[COLD_START_KEY] = {"name": COLD_START, "experiment": COLD_START,
                                  "label": COLD_START, "params": {"rule": COLD_START_RULE},
                                  "seed": config.seed, "library_versions": library_versions("")}
    return models


def _warnings(plan: _Plan, config: ExperimentConfig, evidence: _Evidence,
              selection: pd.DataFrame, forecasts: pd.DataFrame, cutoff: dt.date) -> list[str]:
    """The run's sentences about skipped days, constraints, cold starts, fallbacks, zeros."""
    warnings: list[str] = []
    percentages = [n for n, m in config.metrics.items() if m.func in PERCENTAGE_METRICS]
    if evidence.skipped and percentages:
        warnings.append(f"{', '.join(percentages)} skipped {evidence.skipped} open day(s) of the "
                        "evaluation folds with a zero or negative actual")
    broke = selection["reason"].str.startswith(CONSTRAINT_FALLBACK, na=False)
    if broke.any():
        warnings.append(f"{int(broke.sum())} of {len(selection)} series: no candidate met the "
                        f"constraints {list(config.selection.constraints)}; the best on "
                        f"{config.selection.primary} was chosen")
    cold = sum(1 for f in evidence.flags if f[1] == "cold_start")
    if cold:
        warnings.append(f"{cold} series had too little history for any backtest fold: "
                        "cold-start forecast (flag cold_start)")
    fell_back = sum(1 for f in evidence.flags if f[1] == "fallback")
    if fell_back:
        warnings.append(f"{fell_back} series fell back from their selected model (flag fallback)")
    nothing = _planned_nothing(plan.frame, forecasts, cutoff)
    if nothing:
        warnings.append(f"{len(nothing)} series sold in the {RECENT_DAYS} days up to the cutoff "
                        "but are planned 0 for every day (net returns outweigh sales): "
                        f"series {nothing[:5]}")
    return warnings


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
    its periods; ``cutoff`` must be the last day of one of them. ``workers`` (default: the
    CPU count) bounds the per-series processes and the global model's parallel fits.
    """
    started = time.perf_counter()
    cutoff, group_by = _checked(frame, cutoff, config, shard)
    workers = workers or os.cpu_count() or 1
    plan = _plan(frame, cutoff, config, shard, calendar if calendar is not None else MonthCalendar(),
                 group_by)
    timings: dict[str, float] = {"phase:prepare": time.perf_counter() - started}
    logger.info("engine start", extra={"series": len(plan.arrays), "periods": len(plan.periods),
                                       "candidates": len(config.candidates),
                                       "shard": f"{shard[0]}/{shard[1]}"})
    mark = time.perf_counter()
    fitted = fit_all(plan.frame, plan.arrays, plan.shard_ids, plan.local, plan.global_,
                     plan.periods, config.levels, config.seed, workers, progress)
    timings.update(fitted.timings)
    timings["phase:fit"] = time.perf_counter() - mark
    mark = time.perf_counter()
    evidence = _evaluate(plan, config, fitted)
    timings["phase:evaluate"] = time.perf_counter() - mark
    mark = time.perf_counter()
    selection = _select(plan, config, evidence)
    timings["phase:select"] = time.perf_counter() - mark
    mark = time.perf_counter()
    t_of = {p.number: p for p in plan.periods}
    profile = cold_start_profile(plan.frame, pd.Timestamp(cutoff))
    forecasts, final_flags = assemble_forecasts(evidence.per_series, selection, config,
                                                t_of[plan.final_no], evidence.backtest, profile,
                                                plan.labels)
    evidence.flags += final_flags
    candidate_forecasts, fold_forecasts = candidate_frames(evidence.per_series, plan.final_no,
                                                           t_of, config.levels, keep_candidates)
    timings["phase:forecast"] = time.perf_counter() - mark
    warnings = fitted.warnings + _warnings(plan, config, evidence, selection, forecasts, cutoff)
    for c in config.candidates:
        timings[f"candidate:{c.label}"] = float(evidence.seconds.get(c.key, 0.0))
        if evidence.failures.get(c.key):
            timings[f"failures:{c.label}"] = float(evidence.failures[c.key])
    timings["total"] = time.perf_counter() - started
    logger.info("engine done", extra={"seconds": round(timings["total"], 1)})
    flags = pd.DataFrame(evidence.flags, columns=list(FLAG_COLUMNS)).astype({"series_id": "int64"})
    return EngineResult(forecasts, evidence.backtest, selection.reset_index(),
                        _models(plan, config, evidence, forecasts), timings, candidate_forecasts,
                        fold_forecasts, flags, warnings)
