"""Baselines: weekly seasonal naive and the mean of the last k same weekdays.

Both look only at open days: the forecast for a future Monday is built from the
last open Mondays, so a closure (a known exogenous zero) never propagates.
"""

from __future__ import annotations

import numpy as np

from forecasting.models.base import BaseForecaster, open_actuals, weekday

__all__ = ["SeasonalNaive", "WeekdayMean"]


def _last_same_weekday(y_open: np.ndarray, dow: np.ndarray, k: int, agg: str) -> np.ndarray:
    """Per weekday (7,), the mean or median of its last ``k`` known open values (NaN if none)."""
    out = np.full(7, np.nan)
    for day in range(7):
        values = y_open[(dow == day) & ~np.isnan(y_open)]
        if values.size:
            tail = values[-k:]
            out[day] = np.median(tail) if agg == "median" else np.mean(tail)
    # A weekday never open in history (e.g. Sunday) falls back to the overall level.
    if np.isnan(out).any():
        level = np.nanmean(y_open) if np.isfinite(y_open).any() else 0.0
        out[np.isnan(out)] = level
    return out


class WeekdayMean(BaseForecaster):
    """Mean (or median) of the last ``k`` open days with the same weekday."""

    def __init__(self, k: int = 4, agg: str = "mean") -> None:
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if agg not in ("mean", "median"):
            raise ValueError(f"agg must be 'mean' or 'median', got {agg!r}")
        super().__init__(k=k, agg=agg)
        self.k, self.agg = k, agg

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        self.by_weekday_ = _last_same_weekday(open_actuals(y, X), weekday(X), self.k, self.agg)

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        return self.by_weekday_[weekday(X)]


class SeasonalNaive(WeekdayMean):
    """Weekly seasonal naive: the last open value of the same weekday (``k = 1``)."""

    def __init__(self) -> None:
        BaseForecaster.__init__(self)
        self.k, self.agg = 1, "mean"
