"""Prediction intervals of the engine's forecasts: native, or conformal from earlier folds.

A model with native intervals keeps them. Any other gets split-conformal intervals
from its own out-of-sample residuals on open days of the folds before (see
:mod:`forecasting.models.conformal`), so the final forecast is calibrated on every
fold and fold ``f`` on folds < f.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from forecasting.fitting import Output
from forecasting.models.conformal import residuals_on_open_days, with_conformal_intervals

__all__ = ["with_intervals", "fold_residuals"]


def with_intervals(out: Output, native: bool, residuals: Sequence[np.ndarray], closed: np.ndarray,
                   levels: Sequence[int]) -> Output:
    """``out`` with intervals at ``levels``: its own if ``native``, else conformal ones.

    ``residuals`` are the candidate's earlier fold residuals; ``closed`` an ``(h,)`` mask.
    """
    if native:
        return out
    return with_conformal_intervals(out, list(residuals), closed, levels)


def fold_residuals(y_test: np.ndarray, out: Output, is_open: np.ndarray) -> np.ndarray:
    """Errors ``y - mean`` on open days with an actual, shape ``(k,)``, for later intervals."""
    return residuals_on_open_days(y_test, out["mean"], is_open)
