"""Fold metrics of one candidate's forecast of one series and period.

Metrics count open days only: a closed day's forecast is 0 by construction, so it
would flatter every model alike.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from forecasting.fitting import Output
from forecasting.metrics import MetricSpec

__all__ = ["fold_metrics"]


def fold_metrics(y_test: np.ndarray, out: Output, closed: np.ndarray, y_train: np.ndarray,
                 metrics: Mapping[str, MetricSpec]) -> dict[str, float]:
    """``{metric: value}`` for actuals ``y_test`` ``(h,)``, an output of ``(h,)`` arrays and a
    closed-day mask ``(h,)``; ``y_train`` ``(m,)`` is the fold's history (for MASE)."""
    mask = ~closed
    intervals = {k: v[mask] for k, v in out.items() if k != "mean"}
    return {name: spec(y_test[mask], out["mean"][mask], intervals=intervals, y_train=y_train)
            for name, spec in metrics.items()}
