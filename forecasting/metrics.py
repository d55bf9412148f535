"""Forecast accuracy metrics as pure functions on numpy arrays.

Every metric takes 1-d arrays of equal shape ``(n,)``: actuals ``y`` and point
forecasts ``y_hat`` (interval metrics take ``lo``/``hi`` too). NaN actuals are
ignored, so callers can pass a whole month and let closed/missing days drop out
(the engine passes open days only). An empty evaluation set gives NaN, never an
exception, because a series with no open day in a fold is a fact, not a bug.

Units: WAPE, RMSPE, RMSLE and coverage are fractions (0.12 = 12 %, as in the
Kaggle Rossmann leaderboard); bias, MAPE and sMAPE are percentages.

Zero and negative actuals (net sales with returns): WAPE and bias divide by the sum of
absolute actuals, so a day of returns adds to the scale instead of cancelling a day of
sales; RMSPE and MAPE are undefined on a non-positive actual and skip those days
(:func:`skipped_actuals` counts them, and the engine reports the count on the run).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "mae",
    "rmse",
    "wape",
    "bias",
    "mape",
    "smape",
    "rmsle",
    "rmspe",
    "mase",
    "coverage",
    "winkler",
    "skipped_actuals",
    "MetricSpec",
    "resolve_metric",
    "BUILTIN_METRICS",
]


def _clean(y: np.ndarray, y_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    y_hat = np.asarray(y_hat, dtype=float)
    if y.shape != y_hat.shape:
        raise ValueError(f"y has shape {y.shape} but y_hat has shape {y_hat.shape}")
    keep = ~np.isnan(y)
    return y[keep], y_hat[keep]


def mae(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Mean absolute error, in the units of y."""
    y, y_hat = _clean(y, y_hat)
    return float(np.mean(np.abs(y - y_hat))) if y.size else float("nan")


def rmse(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Root mean squared error, in the units of y."""
    y, y_hat = _clean(y, y_hat)
    return float(np.sqrt(np.mean((y - y_hat) ** 2))) if y.size else float("nan")


def wape(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Weighted absolute percentage error: sum|y - y_hat| / sum|y| (a fraction)."""
    y, y_hat = _clean(y, y_hat)
    denom = np.sum(np.abs(y))
    return float(np.sum(np.abs(y - y_hat)) / denom) if denom > 0 else float("nan")


def bias(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Signed bias in % of the actuals' volume: 100 * sum(y_hat - y) / sum|y|; > 0 means
    over-forecast (the same as 100 * sum(y_hat - y) / sum(y) when no actual is negative)."""
    y, y_hat = _clean(y, y_hat)
    denom = np.sum(np.abs(y))
    return float(100.0 * np.sum(y_hat - y) / denom) if denom > 0 else float("nan")


def skipped_actuals(y: np.ndarray) -> int:
    """How many known actuals RMSPE and MAPE skip: those <= 0 (a percentage of them is undefined)."""
    y = np.asarray(y, dtype=float)
    return int(np.sum(~np.isnan(y) & (y <= 0)))


def mape(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Mean absolute percentage error in %, over positive actuals only (see :func:`skipped_actuals`)."""
    y, y_hat = _clean(y, y_hat)
    nz = y > 0
    if not nz.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs(y[nz] - y_hat[nz]) / np.abs(y[nz])))


def smape(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Symmetric MAPE in % (0..200), over non-zero actuals: mean 2|e| / (|y| + |y_hat|)."""
    y, y_hat = _clean(y, y_hat)
    nz = y != 0
    if not nz.any():
        return float("nan")
    y, y_hat = y[nz], y_hat[nz]
    return float(100.0 * np.mean(2.0 * np.abs(y - y_hat) / (np.abs(y) + np.abs(y_hat))))


def rmsle(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Root mean squared log error: sqrt(mean((log1p(y_hat) - log1p(y))^2)); y_hat clipped at 0."""
    y, y_hat = _clean(y, y_hat)
    if not y.size:
        return float("nan")
    diff = np.log1p(np.clip(y_hat, 0, None)) - np.log1p(np.clip(y, 0, None))
    return float(np.sqrt(np.mean(diff**2)))


def rmspe(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Root mean squared percentage error (Kaggle Rossmann) over positive actuals: days with
    y <= 0 are skipped (y == 0 as on Kaggle; a negative day of net returns has no percentage)."""
    y, y_hat = _clean(y, y_hat)
    nz = y > 0
    if not nz.any():
        return float("nan")
    return float(np.sqrt(np.mean(((y[nz] - y_hat[nz]) / y[nz]) ** 2)))


def mase(y: np.ndarray, y_hat: np.ndarray, y_train: np.ndarray, season: int = 7) -> float:
    """Mean absolute scaled error: MAE / in-sample MAE of the seasonal naive (lag ``season``).

    ``y_train`` is the history before the forecast origin, shape ``(m,)``; NaN pairs are
    skipped so closed/missing days do not count as perfect or terrible naive forecasts.
    """
    y_train = np.asarray(y_train, dtype=float)
    if y_train.size <= season:
        return float("nan")
    diffs = np.abs(y_train[season:] - y_train[:-season])
    scale = np.nanmean(diffs) if np.isfinite(diffs).any() else float("nan")
    if not np.isfinite(scale) or scale == 0:
        return float("nan")
    return mae(y, y_hat) / float(scale)


def coverage(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of actuals inside [lo, hi] (a fraction)."""
    y = np.asarray(y, dtype=float)
    keep = ~np.isnan(y)
    if not keep.any():
        return float("nan")
    y, lo, hi = y[keep], np.asarray(lo, float)[keep], np.asarray(hi, float)[keep]
    if np.isnan(lo).any() or np.isnan(hi).any():
        return float("nan")  # no interval is not a missed interval
    return float(np.mean((y >= lo) & (y <= hi)))


def winkler(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> float:
    """Mean Winkler (interval) score at ``level`` % : width + 2/alpha * distance outside."""
    y = np.asarray(y, dtype=float)
    keep = ~np.isnan(y)
    if not keep.any():
        return float("nan")
    y, lo, hi = y[keep], np.asarray(lo, float)[keep], np.asarray(hi, float)[keep]
    alpha = 1.0 - level / 100.0
    score = (hi - lo) + (2.0 / alpha) * (np.clip(lo - y, 0, None) + np.clip(y - hi, 0, None))
    return float(np.mean(score))


@functools.cache
def _parameters(func: Callable[..., float]) -> frozenset[str]:
    """Parameter names of a metric function (cached: the engine calls metrics ~10^5 times)."""
    return frozenset(inspect.signature(func).parameters)


@dataclass(frozen=True)
class MetricSpec:
    """A metric ready to call on one evaluation set.

    ``loss`` maps the raw value to "lower is better" for selection: ``abs`` for bias,
    distance to nominal for coverage, negation for metrics where greater is better.
    """

    name: str
    func: Callable[..., float]
    level: float | None = None
    greater_is_better: bool = False

    def __call__(
        self,
        y: np.ndarray,
        y_hat: np.ndarray,
        *,
        intervals: dict[str, np.ndarray] | None = None,
        y_train: np.ndarray | None = None,
    ) -> float:
        """Evaluate with whatever context the function's signature asks for."""
        params = _parameters(self.func)
        if self.func in (coverage, winkler):
            level = int(self.level) if self.level is not None else 80
            lo, hi = (intervals or {})[f"lo-{level}"], (intervals or {})[f"hi-{level}"]
            if self.func is coverage:
                return coverage(y, lo, hi)
            return winkler(y, lo, hi, float(level))
        kwargs: dict[str, object] = {}
        if "y_train" in params:
            kwargs["y_train"] = y_train if y_train is not None else np.array([])
        if "intervals" in params:
            kwargs["intervals"] = intervals or {}
        return float(self.func(y, y_hat, **kwargs))

    def loss(self, value: float) -> float:
        """The value on a lower-is-better scale, used by selection."""
        if self.func is bias:
            return abs(value)
        if self.func is coverage:
            return abs(value - (self.level or 80) / 100.0)
        return -value if self.greater_is_better else value


BUILTIN_METRICS: dict[str, Callable[..., float]] = {
    "mae": mae,
    "rmse": rmse,
    "wape": wape,
    "bias": bias,
    "mape": mape,
    "smape": smape,
    "rmsle": rmsle,
    "rmspe": rmspe,
    "mase": mase,
}

_INTERVAL_NAME = re.compile(r"^(coverage|winkler)_(\d{1,2})$")


def resolve_metric(name: str, target: str | None = None, greater_is_better: bool = False) -> MetricSpec:
    """Turn a metric name (``wape``, ``coverage_80``, ``winkler_95``) or a custom
    ``module:function`` target into a :class:`MetricSpec`; unknown names raise ValueError."""
    if target is not None:
        module_name, _, attr = target.partition(":")
        if not module_name or not attr:
            raise ValueError(f"custom metric {name!r}: target {target!r} is not 'module:function'")
        try:
            func = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"custom metric {name!r}: cannot import {target!r} ({exc})") from exc
        if not callable(func):
            raise ValueError(f"custom metric {name!r}: {target!r} is not callable")
        return MetricSpec(name, func, greater_is_better=greater_is_better)
    if name in BUILTIN_METRICS:
        return MetricSpec(name, BUILTIN_METRICS[name])
    match = _INTERVAL_NAME.match(name)
    if match:
        func = coverage if match.group(1) == "coverage" else winkler
        return MetricSpec(name, func, level=float(match.group(2)))
    known = ", ".join([*BUILTIN_METRICS, "coverage_<level>", "winkler_<level>"])
    raise ValueError(f"unknown metric {name!r}; known: {known}, or a custom 'module:function'")
