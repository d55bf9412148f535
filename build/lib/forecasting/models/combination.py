"""Combinations of candidates: the best ``k`` of a series, or fixed members.

Not a forecaster of its own. For a best-``k`` combination the engine ranks the base
candidates of each series on backtest folds *before* the one being forecast (so the
ranking never sees that fold's actuals) and averages the members' forecasts with
:func:`combine`. A fixed combination (``members`` = experiment names, optional
``weights``) needs no ranking, so it is evaluated on every fold like any model.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

__all__ = ["Combination", "combine"]


class Combination:
    """Configuration of a best-``k`` combination (equal or inverse-loss weights)."""

    is_combination: ClassVar[bool] = True
    list_params: ClassVar[tuple[str, ...]] = ("members", "weights")
    is_global: ClassVar[bool] = False
    native_intervals: ClassVar[bool] = False

    def __init__(self, k: int = 2, weighting: str = "equal", members: list[str] | None = None,
                 weights: list[float] | None = None) -> None:
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if weighting not in ("equal", "inverse"):
            raise ValueError(f"weighting must be 'equal' or 'inverse', got {weighting!r}")
        if weights is not None and (not members or len(weights) != len(members)
                                    or min(weights) < 0 or sum(weights) <= 0):
            raise ValueError("weights need members, one non-negative weight per member")
        self.k, self.weighting = k, weighting
        self.members, self.weights = list(members or []), weights

    def get_params(self) -> dict[str, object]:
        """The constructor parameters (used for model keys and the registry)."""
        return {"k": self.k, "weighting": self.weighting, "members": self.members,
                "weights": self.weights}

    def mix(self, means: np.ndarray, losses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Combined forecast ``(h,)`` and member rows; ``means`` is ``(m, h)``.

        Fixed members: ``means`` rows are the members in configured order, weighted by
        ``weights`` (equal if unset). Otherwise the best ``k`` by ``losses``.
        """
        if not self.members:
            return combine(means, losses, self.k, self.weighting)
        weights = np.asarray(self.weights or np.ones(len(self.members)), dtype=float)
        return (weights / weights.sum()) @ np.asarray(means, dtype=float), np.arange(len(means))


def combine(
    means: np.ndarray, losses: np.ndarray, k: int, weighting: str = "equal"
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of the ``k`` lowest-loss rows of ``means``.

    ``means`` has shape ``(m, h)`` (one row per base candidate), ``losses`` shape
    ``(m,)`` (NaN = not ranked, never chosen unless nothing is ranked). Returns the
    combined forecast ``(h,)`` and the member row indices, best first. Ties keep the
    candidates' configured order, so the result is deterministic.
    """
    losses = np.asarray(losses, dtype=float)
    ranked = np.where(np.isfinite(losses), losses, np.inf)
    order = np.argsort(ranked, kind="stable")[: max(1, min(k, len(losses)))]
    if weighting == "inverse" and np.isfinite(ranked[order]).all():
        weights = 1.0 / np.maximum(ranked[order], 1e-12)
    else:
        weights = np.ones(len(order))
    weights = weights / weights.sum()
    return weights @ np.asarray(means, dtype=float)[order], order
