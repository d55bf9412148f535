"""Fold metrics of one candidate's forecast of one series and period.

Metrics count open days only: a closed day's forecast is 0 by construction, so it
would flatter every model alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from forecasting.fitting import Output, Period
from forecasting.metrics import MetricSpec, mape, rmspe, skipped_actuals

__all__ = ["fold_metrics", "skipped_on_folds", "fold_volumes", "PERCENTAGE_METRICS"]

PERCENTAGE_METRICS = (rmspe, mape)  # undefined on non-positive actuals: they skip those days


def fold_metrics(y_test: np.ndarray, out: Output, closed: np.ndarray, y_train: np.ndarray,
                 metrics: Mapping[str, MetricSpec]) -> dict[str, float]:
    """``{metric: value}`` for actuals ``y_test`` ``(h,)``, an output of ``(h,)`` arrays and a
    closed-day mask ``(h,)``; ``y_train`` ``(m,)`` is the fold's history (for MASE)."""
    mask = ~closed
    intervals = {k: v[mask] for k, v in out.items() if k != "mean"}
    return {name: spec(y_test[mask], out["mean"][mask], intervals=intervals, y_train=y_train)
            for name, spec in metrics.items()}


def skipped_on_folds(y: np.ndarray, is_open: np.ndarray, t0: int,
                     periods: Sequence[Period]) -> int:
    """Open days of the evaluation folds (numbers >= 1, not the final period) whose actual a
    percentage metric skips (``<= 0``); ``y``/``is_open`` ``(n,)`` start at day ``t0``."""
    total = 0
    for p in periods[:-1]:
        a, b = p.start - t0, p.end - t0 + 1
        if p.number >= 1 and a >= 0:
            total += skipped_actuals(np.where(is_open[a:b] > 0, y[a:b], np.nan))
    return total


def fold_volumes(y: np.ndarray, is_open: np.ndarray, t0: int,
                 periods: Sequence[Period]) -> list[tuple[int, float]]:
    """``(fold, sum of |actuals| on open days)`` of each evaluation fold the series covers:
    the weight of its metrics when selection pools series by volume."""
    out = []
    for p in periods[:-1]:
        a, b = p.start - t0, p.end - t0 + 1
        if p.number >= 1 and a >= 0:
            values = np.where(is_open[a:b] > 0, np.abs(y[a:b]), np.nan)
            out.append((p.number, float(np.nansum(values))))
    return out
