"""Combination forecasts of one series and period, from its base candidates' outputs.

A best-k combination mixes the k base candidates ranked best on earlier folds
(:mod:`forecasting.ranking`); a fixed one mixes its named members with their weights.
Until a combination has residuals of its own, its intervals are the mean of its
members' intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from forecasting.experiments import Candidate
from forecasting.fitting import Output
from forecasting.models.combination import Combination

__all__ = ["combination_pool", "combination_output"]


def combination_pool(model: Combination, base: Sequence[Candidate],
                     available: set[str] | dict) -> list[Candidate] | None:
    """The candidates to mix, in configured order, or None when no combination can be made.

    ``available`` holds the keys with an output for the period. A fixed combination needs
    every member; a best-k combination takes the base candidates that have an output.
    """
    pool = [next((c for c in base if name in (c.experiment, c.label)), None)
            for name in model.members] or list(base)
    ranked = [c for c in pool if c is not None and c.key in available]
    if not ranked or (model.members and len(ranked) < len(model.members)):
        return None  # a fixed member failed: no combination for this period
    return ranked


def combination_output(model: Combination, members: Sequence[Output], scores: np.ndarray,
                       levels: Sequence[int]) -> Output:
    """The combined output ``{"mean": (h,), "lo-80": (h,), ...}`` of ``members`` (each ``(h,)``).

    ``scores`` has one loss per member (lower is better, NaN = unranked).
    """
    means = np.array([m["mean"] for m in members])
    mean, chosen = model.mix(means, scores)
    out: Output = {"mean": mean}
    for lv in levels:  # members' intervals until the combo has residuals
        for side in ("lo", "hi"):
            parts = [members[i].get(f"{side}-{lv}") for i in chosen]
            if all(v is not None for v in parts):
                out[f"{side}-{lv}"] = np.mean(parts, axis=0)
    return out
