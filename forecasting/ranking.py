"""Ranking of combination members: each base candidate's loss on *earlier* folds only.

Pure bookkeeping on floats: the engine records a candidate's primary-metric loss per
fold as it goes, and a best-k combination for fold ``f`` ranks members on folds < f,
so the ranking never sees the fold it forecasts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["member_scores"]


def member_scores(losses: Mapping[str, Sequence[float]], keys: Sequence[str]) -> np.ndarray:
    """Mean finite loss per key, shape ``(len(keys),)``; NaN for a key with no finite loss yet."""
    finite = [[v for v in losses.get(key, ()) if np.isfinite(v)] for key in keys]
    return np.array([np.mean(v) if v else np.nan for v in finite])
