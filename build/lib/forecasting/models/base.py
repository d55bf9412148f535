"""The ``Forecaster`` protocol and the shared base class of every candidate.

Models work on numpy arrays only. ``y`` has shape ``(n,)`` (daily, oldest first, NaN
for missing days, 0 on closed days). ``X`` has shape ``(n, 5)`` with the columns of
:data:`EXOG` in that order; ``X_future`` has shape ``(h, 5)``. The ``t`` column is the
day number since 1970-01-01, so models that need the calendar (weekday, Prophet's
dates) derive it without a separate date array. Store closures are *known*
exogenous: models estimate on open days only and forecast exactly 0 (with 0-width
intervals) on days with ``is_open == 0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import numpy as np

from forecasting.models.conformal import conformal_intervals, residuals_on_open_days

__all__ = [
    "EXOG",
    "T",
    "PROMO",
    "OPEN",
    "HOLIDAY",
    "SCHOOL",
    "Forecaster",
    "BaseForecaster",
    "as_exog",
    "weekday",
    "open_actuals",
]

EXOG: tuple[str, ...] = ("t", "promo", "is_open", "is_holiday", "school_holiday")
T, PROMO, OPEN, HOLIDAY, SCHOOL = range(len(EXOG))


@runtime_checkable
class Forecaster(Protocol):
    """What the engine needs from a candidate model."""

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self: ...

    def predict(
        self, h: int, X_future: np.ndarray | None = None, levels: Sequence[int] = (80, 95)
    ) -> dict[str, np.ndarray]: ...


def as_exog(X: np.ndarray | None, n: int, start_t: float = 0.0) -> np.ndarray:
    """Return X as float ``(n, 5)``; None means "always open, no promo, no holiday"."""
    if X is None:
        out = np.zeros((n, len(EXOG)))
        out[:, T] = start_t + np.arange(n)
        out[:, OPEN] = 1.0
        return out
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape != (n, len(EXOG)):
        raise ValueError(f"X must have shape ({n}, {len(EXOG)}) with columns {EXOG}, got {X.shape}")
    return X


def weekday(X: np.ndarray) -> np.ndarray:
    """Monday=0 .. Sunday=6 for each row; day 0 (1970-01-01) was a Thursday."""
    return ((X[:, T].astype(np.int64) + 3) % 7).astype(np.int64)


def open_actuals(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``y`` with closed days set to NaN, so estimators never learn from a forced zero."""
    y = np.asarray(y, dtype=float).copy()
    y[X[:, OPEN] <= 0] = np.nan
    return y


class BaseForecaster:
    """Common fit/predict plumbing: validation, clipping, closures and intervals.

    Subclasses implement ``_fit(y, X)`` and ``_predict(h, X_future) -> mean (h,)``;
    those with native intervals set ``native_intervals = True`` and implement
    ``_predict_intervals``. The others get conformal intervals from residuals of
    ``calibration_windows`` self-backtests of ``calibration_horizon`` days (cheap
    models) or from whatever the engine passes to :meth:`set_residuals`.
    """

    native_intervals: ClassVar[bool] = False
    is_global: ClassVar[bool] = False
    calibration_windows: int = 3
    calibration_horizon: int = 28

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (used for model keys and the registry)."""
        return dict(self._params)

    def __init__(self, **params: Any) -> None:
        self._params = params
        self.residuals_: np.ndarray | None = None
        self._nonneg = True
        self._last_t = -1.0

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        """Fit on ``y`` of shape ``(n,)`` and optional ``X`` of shape ``(n, 5)``."""
        y = np.asarray(y, dtype=float)
        if y.ndim != 1 or y.size == 0:
            raise ValueError(f"y must be a non-empty 1-d array, got shape {y.shape}")
        X = as_exog(X, y.size)
        self._nonneg = bool(np.nanmin(y) >= 0) if np.isfinite(y).any() else True
        self._last_t = float(X[-1, T])
        if not self.native_intervals and self.residuals_ is None:
            self.residuals_ = self._calibrate(y, X)
        self._fit(y, X)
        return self

    def set_residuals(self, residuals: np.ndarray | None) -> None:
        """Use these out-of-sample errors (e.g. from the engine's backtest) for intervals."""
        self.residuals_ = None if residuals is None else np.asarray(residuals, dtype=float)

    def predict(
        self, h: int, X_future: np.ndarray | None = None, levels: Sequence[int] = (80, 95)
    ) -> dict[str, np.ndarray]:
        """Forecast ``h`` days: ``{"mean": (h,), "lo-80": (h,), "hi-80": (h,), ...}``."""
        Xf = as_exog(X_future, h, start_t=self._last_t + 1)
        mean = np.asarray(self._predict(h, Xf), dtype=float).reshape(h)
        if self.native_intervals:
            out = {"mean": mean, **self._predict_intervals(h, Xf, levels, mean)}
        else:
            out = {"mean": mean, **conformal_intervals(mean, self.residuals_, levels)}
        closed = Xf[:, OPEN] <= 0
        for key, values in out.items():
            if self._nonneg:
                values = np.clip(values, 0.0, None)
            values = np.where(closed, 0.0, values)
            out[key] = values
        return out

    def _calibrate(self, y: np.ndarray, X: np.ndarray) -> np.ndarray | None:
        """Residuals of a few self-backtests ending before the last ``k * horizon`` days."""
        parts = []
        n, h = y.size, self.calibration_horizon
        for k in range(1, self.calibration_windows + 1):
            end = n - k * h
            if end < 2 * h:
                break
            clone = type(self)(**self._params)
            clone.residuals_ = np.array([])  # no recursion into calibration
            clone.fit(y[:end], X[:end])
            pred = clone._predict(h, X[end : end + h])
            parts.append(residuals_on_open_days(y[end : end + h], pred, X[end : end + h, OPEN]))
        return np.concatenate(parts) if parts else None

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        raise NotImplementedError

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _predict_intervals(
        self, h: int, X: np.ndarray, levels: Sequence[int], mean: np.ndarray
    ) -> dict[str, np.ndarray]:
        raise NotImplementedError
