"""A learned stack: combination weights fitted on out-of-fold forecasts of all series.

Not a forecaster of its own. For every period (warm-up fold, evaluation folds, final
fit) the engine pools the base candidates' forecasts of the *earlier* periods over all
series and open days with sales, fits one weight per member, and mixes the members'
forecasts of that period with them. So a fold's stack never sees the fold's actuals,
and the final forecast uses weights learned on every fold. ``method``:

- ``"nnls"``: non-negative least squares, ``min sum(((y - F w) / s)^2)`` over ``w >= 0``
  (scipy.optimize.nnls), each row scaled by its series' mean actual ``s`` in that period
  so that big and small stores weigh alike. (Scaling by ``y`` itself, the RMSPE-optimal
  choice, lets a few tiny actuals dominate and shrinks every weight.) The weights need
  not sum to 1, so a bias shared by the members is corrected as well;
- ``"inverse"``: weights proportional to 1 / RMSPE of each member, summing to 1.

Grain of the pooled data: one row per (series, day) of the earlier periods; ``F`` has
one column per member.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from scipy.optimize import nnls

from forecasting.models.base import OPEN

__all__ = ["Stack", "stack_weights", "add_stack_outputs", "stack_members", "METHODS"]

METHODS = ("nnls", "inverse")
_MIN_ROWS = 50  # pooled rows below which no weights are learned (no stack for that period)


class Stack:
    """Configuration of a learned stack (see the module docstring)."""

    is_combination: ClassVar[bool] = True
    is_stack: ClassVar[bool] = True
    list_params: ClassVar[tuple[str, ...]] = ("members",)
    is_global: ClassVar[bool] = False
    native_intervals: ClassVar[bool] = False

    def __init__(self, members: list[str] | None = None, method: str = "nnls") -> None:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if members is not None and len(members) < 2:
            raise ValueError("a stack needs at least 2 members (or none: every base candidate)")
        self.members, self.method = list(members or []), method

    def get_params(self) -> dict[str, object]:
        """The constructor parameters (used for model keys and the registry)."""
        return {"members": self.members, "method": self.method}


def stack_weights(y: np.ndarray, F: np.ndarray, method: str = "nnls",
                  scale: np.ndarray | None = None) -> np.ndarray:
    """Member weights ``(m,)`` from actuals ``y`` ``(n,)`` and member forecasts ``F`` ``(n, m)``.

    ``scale`` ``(n,)`` divides each row for NNLS (default: ``y``, relative errors). Rows
    with ``y <= 0`` or any non-finite value are ignored. When NNLS gives all zeros
    (nothing explains the actuals) the weights are equal.
    """
    y, F = np.asarray(y, dtype=float), np.asarray(F, dtype=float)
    scale = y if scale is None else np.asarray(scale, dtype=float)
    keep = np.isfinite(y) & (y > 0) & np.isfinite(F).all(axis=1) & np.isfinite(scale) & (scale > 0)
    y, F, scale = y[keep], F[keep], scale[keep]
    m = F.shape[1]
    if y.size == 0:
        return np.full(m, 1.0 / m)
    if method == "inverse":
        rmspe = np.sqrt(np.mean(((y[:, None] - F) / y[:, None]) ** 2, axis=0))
        weights = 1.0 / np.maximum(rmspe, 1e-12)
        return weights / weights.sum()
    weights, _ = nnls(F / scale[:, None], y / scale)
    return weights if weights.sum() > 0 else np.full(m, 1.0 / m)


def stack_members(stacks: Sequence[Any], candidates: Sequence[Any]) -> list[tuple[str, Stack,
                                                                                 list[str]]]:
    """``(key, stack, member keys)`` per stack candidate; no members = every base candidate.

    ``candidates`` have ``key``, ``experiment``, ``label`` and ``build()``; combinations
    (anything with ``is_combination``) are never members.
    """
    base = [c for c in candidates if not getattr(c.build(), "is_combination", False)]
    out = []
    for cand in stacks:
        stack = cand.build()
        chosen = [c for c in base if not stack.members or c.experiment in stack.members
                  or c.label in stack.members]
        out.append((cand.key, stack, [c.key for c in chosen]))
    return out


def add_stack_outputs(
    series: Sequence[tuple[int, np.ndarray, np.ndarray, dict[tuple[str, int], dict]]],
    stacks: Sequence[tuple[str, Stack, list[str]]],
    periods: Sequence[Any],
) -> dict[str, dict[int, list[float]]]:
    """Add each stack's ``{"mean": (h,)}`` to ``outputs[(stack_key, period)]`` in place.

    ``series``: ``(series_id, y (n,), X (n, 5), outputs)`` with every base candidate's
    outputs keyed by ``(model_key, period number)``; ``stacks``: ``(key, stack, member
    keys)``; ``periods``: objects with ``number``, ``start``, ``end`` (day numbers), in
    time order, the last one being the final fit (never used for learning). Returns the
    weights per stack and period (in member order), the evidence for the registry.
    """
    learned: dict[str, dict[int, list[float]]] = {}
    for key, stack, members in stacks:
        learned[key] = {}
        pooled: list[tuple[np.ndarray, ...]] = []  # (y, F, scale) of the periods so far
        for index, period in enumerate(periods):
            rows = sum(len(part[0]) for part in pooled)
            if rows >= _MIN_ROWS:
                weights = stack_weights(np.concatenate([p[0] for p in pooled]),
                                        np.vstack([p[1] for p in pooled]), stack.method,
                                        np.concatenate([p[2] for p in pooled]))
                learned[key][period.number] = [float(w) for w in weights]
                for _sid, _y, _X, outputs in series:
                    if all((m, period.number) in outputs for m in members):
                        means = np.array([outputs[(m, period.number)]["mean"] for m in members])
                        outputs[(key, period.number)] = {"mean": weights @ means}
            if index < len(periods) - 1:
                pooled.append(_period_rows(series, members, period))
    return learned


def _period_rows(series: Sequence[tuple[int, np.ndarray, np.ndarray, dict]],
                 members: list[str], period: Any) -> tuple[np.ndarray, ...]:
    """Actuals ``(k,)``, member forecasts ``(k, m)`` and the series' mean actual ``(k,)``
    of one period's open days."""
    ys, Fs, scales = [], [], []
    for _sid, y, X, outputs in series:
        if not all((m, period.number) in outputs for m in members):
            continue
        t0 = int(X[0, 0])
        a, b = period.start - t0, period.end - t0 + 1
        if a < 0:
            continue
        is_open = X[a:b, OPEN] > 0
        actual = y[a:b][is_open]
        positive = actual[np.isfinite(actual) & (actual > 0)]
        ys.append(actual)
        scales.append(np.full(actual.size, positive.mean() if positive.size else np.nan))
        Fs.append(np.column_stack([outputs[(m, period.number)]["mean"][is_open]
                                   for m in members]))
    if not ys:
        return np.empty(0), np.empty((0, len(members))), np.empty(0)
    return np.concatenate(ys), np.vstack(Fs), np.concatenate(scales)
