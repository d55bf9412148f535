"""The final forecast of every series: the selected candidate, else the next one, else cold start.

For each series the chain is: the selected candidate; the other candidates in order of
the series' own mean loss on the primary metric over the evaluation folds (then the
experiments file's order); the file's fallback. The first with a finite forecast of
the target month wins. A series with no backtest evidence at all (too little history
for any fold) gets the cold-start forecast of :mod:`forecasting.coldstart`. Each
departure from the plain selection is a flag ``(series_id, flag, reason)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from forecasting.coldstart import MODEL_NAME, ColdStartProfile, cold_start_forecast
from forecasting.experiments import ExperimentConfig, model_key
from forecasting.fitting import EPOCH, Output, Period
from forecasting.models.base import OPEN, T

__all__ = ["assemble_forecasts", "COLD_START_KEY", "FLAGS"]

COLD_START_KEY = model_key(MODEL_NAME, {})
FLAGS = ("cold_start", "fallback", "model_error")


def _chain(series_id: int, selected: str, config: ExperimentConfig,
           losses: pd.Series | None) -> list[str]:
    """Keys to try for one series, best first, without repeats."""
    order = [c.key for c in config.candidates]
    ranked: list[str] = []
    if losses is not None and series_id in losses.index.get_level_values(0):
        own = losses.loc[series_id].dropna()
        ranked = sorted(own.index, key=lambda k: (own[k], order.index(k) if k in order else 0))
    fallback = [config.selection.fallback] if config.selection.fallback else []
    out: list[str] = []
    for key in [selected, *ranked, *fallback]:
        if key not in out:
            out.append(key)
    return out


def _finite(out: Output | None, h: int) -> bool:
    return out is not None and len(out["mean"]) == h and bool(np.isfinite(out["mean"]).all())


def assemble_forecasts(
    per_series: Sequence[tuple[int, np.ndarray, np.ndarray, dict]],
    selection: pd.DataFrame,
    config: ExperimentConfig,
    final: Period,
    evidence: pd.DataFrame,
    profile: ColdStartProfile,
    labels: Mapping[str, str],
) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """Forecast rows ``(series_id, ds, model_key, mean, lo_<lv>, hi_<lv>...)`` for every day of
    ``final`` and the flags; ``selection`` (indexed by series_id) is updated in place."""
    days = np.arange(final.start, final.end + 1)
    h = len(days)
    primary = config.metrics[config.selection.primary]
    evaluated = evidence[(evidence["fold"] >= 1) & (evidence["metric"] == config.selection.primary)]
    losses = (evaluated.assign(loss=evaluated["value"].map(primary.loss))
              .groupby(["series_id", "model_key"])["loss"].mean()) if len(evaluated) else None
    with_evidence = set(evidence["series_id"].unique()) if len(evidence) else set()
    flags: list[tuple[int, str, str]] = []
    parts = []
    for series_id, y, X, outputs in per_series:
        selected = str(selection.at[series_id, "model_key"])
        key, out = selected, None
        if series_id in with_evidence:
            for key in _chain(series_id, selected, config, losses):
                out = outputs.get((key, final.number))
                if _finite(out, h):
                    break
                out = None
        if out is not None and key != selected:
            why = (f"selected {labels.get(selected, selected)} has no forecast of the month; "
                   f"used {labels.get(key, key)} (next best on this series' folds)")
            flags.append((series_id, "fallback", why))
            selection.at[series_id, "reason"] += f"; {why}"
        if out is None:
            out = _cold_start(y, X, days, profile, flags, series_id, with_evidence)
            key = COLD_START_KEY
            selection.at[series_id, "reason"] = flags[-1][2]
            selection.at[series_id, "score"] = np.nan
        selection.at[series_id, "model_key"] = key
        columns = {"mean": out["mean"]}
        for lv in config.levels:
            columns[f"lo_{lv}"] = out.get(f"lo-{lv}", np.full(h, np.nan))
            columns[f"hi_{lv}"] = out.get(f"hi-{lv}", np.full(h, np.nan))
        parts.append(pd.DataFrame({"series_id": series_id,
                                   "ds": (EPOCH + days).astype("datetime64[ns]"),
                                   "model_key": key, **columns}))
    forecasts = (pd.concat(parts, ignore_index=True) if parts else
                 pd.DataFrame(columns=["series_id", "ds", "model_key", "mean"]))
    return forecasts, flags


def _cold_start(y: np.ndarray, X: np.ndarray, days: np.ndarray, profile: ColdStartProfile,
                flags: list, series_id: int, with_evidence: set) -> Output:
    """The cold-start output over ``days`` (days before the series' first row are 0)."""
    t = X[:, T].astype(np.int64)
    past = t < days[0]
    future = np.zeros(len(days), dtype=float)
    inside = np.isin(days, t)
    open_future = np.zeros(len(days))
    open_future[inside] = X[np.isin(t, days), OPEN]
    mean, how = cold_start_forecast(y[past], (t[past] + 3) % 7, X[past, OPEN],
                                    (days + 3) % 7, open_future, profile)
    future[:] = mean
    history = int(np.isfinite(y[past]).sum())
    why = (f"cold start: {history} day(s) of actuals, too few for any backtest fold"
           if series_id not in with_evidence else
           "cold start: no candidate produced a forecast of the month")
    flags.append((series_id, "cold_start", f"{why}; {how}"))
    return {"mean": future}
