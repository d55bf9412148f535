"""Conformal prediction intervals from out-of-sample residuals.

Models without native intervals (naive, profile, Prophet run without sampling,
LightGBM, combinations) get intervals from the empirical quantiles of their own
out-of-sample errors: from the engine's backtest folds for the final forecast, or
from a few cheap self-backtest windows when a model is used on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "conformal_intervals",
    "residuals_on_open_days",
    "with_conformal_intervals",
    "MIN_RESIDUALS",
]

# Below this many residuals an empirical 95 % quantile is meaningless; return NaN
# intervals rather than pretend.
MIN_RESIDUALS = 5


def residuals_on_open_days(y: np.ndarray, y_hat: np.ndarray, is_open: np.ndarray) -> np.ndarray:
    """Errors ``y - y_hat`` of shape ``(k,)`` on open days with a known actual.

    Closed days are excluded because their forecast is exactly 0 by construction and
    would shrink the intervals of open days.
    """
    y = np.asarray(y, dtype=float)
    keep = ~np.isnan(y) & (np.asarray(is_open) > 0)
    return y[keep] - np.asarray(y_hat, dtype=float)[keep]


def conformal_intervals(
    mean: np.ndarray, residuals: np.ndarray | None, levels: Sequence[int]
) -> dict[str, np.ndarray]:
    """Intervals ``{"lo-80": (h,), "hi-80": (h,), ...}`` around ``mean`` of shape ``(h,)``.

    Uses the split-conformal quantile rank ceil((n + 1) q) of the residuals at
    q = (1 -/+ level/100) / 2, so the bounds need not be symmetric (retail errors
    are skewed). Too few residuals give NaN bounds.
    """
    mean = np.asarray(mean, dtype=float)
    out: dict[str, np.ndarray] = {}
    res = np.sort(np.asarray(residuals if residuals is not None else [], dtype=float))
    res = res[np.isfinite(res)]
    n = res.size
    for level in levels:
        if n < MIN_RESIDUALS:
            lo = hi = np.full_like(mean, np.nan)
        else:
            alpha = 1.0 - level / 100.0
            # Finite-sample ranks (1-based), clipped to the available order statistics.
            k_lo = max(1, math.floor((n + 1) * alpha / 2.0))
            k_hi = min(n, math.ceil((n + 1) * (1.0 - alpha / 2.0)))
            lo, hi = mean + res[k_lo - 1], mean + res[k_hi - 1]
        out[f"lo-{level}"], out[f"hi-{level}"] = lo, hi
    return out


def with_conformal_intervals(
    out: dict[str, np.ndarray],
    residuals: list[np.ndarray],
    closed: np.ndarray,
    levels: Sequence[int],
) -> dict[str, np.ndarray]:
    """Replace a forecast's intervals by conformal ones from earlier out-of-sample residuals.

    ``out`` is a model's output for ``h`` days, ``closed`` a boolean ``(h,)`` mask. With fewer
    than :data:`MIN_RESIDUALS` residuals the model's own intervals are kept if it has any.
    """
    res = np.concatenate(residuals) if residuals else np.array([])
    if res.size < MIN_RESIDUALS and all(f"lo-{lv}" in out for lv in levels):
        return out
    mean = out["mean"]
    full = {"mean": mean, **conformal_intervals(mean, res, levels)}
    return {k: np.where(closed, 0.0, np.clip(v, 0.0, None)) for k, v in full.items()}
