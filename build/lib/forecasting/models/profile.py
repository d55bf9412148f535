"""Multiplicative profile: level × weekday factor × promo factor × holiday factor.

Estimated as a small weighted ridge regression of ``log(y)`` on dummies over the
last ``window`` open days, so each factor is ``exp(coefficient)``. Optional terms:
promo × weekday interaction (promotions lift Mondays more than Saturdays),
day-of-month buckets (pay-day effects) and "next to a closure" days (shopping
before and after a holiday closure). Being log-linear keeps every forecast
positive and the factors interpretable for finance.
"""

from __future__ import annotations

import numpy as np

from forecasting.models.base import HOLIDAY, OPEN, PROMO, SCHOOL, BaseForecaster, T, weekday

__all__ = ["ProfileModel", "profile_design", "day_of_month"]

# Day-of-month buckets: month start, first week, mid-month weeks, month end.
_DOM_EDGES = np.array([3, 10, 17, 24, 28])


def day_of_month(X: np.ndarray) -> np.ndarray:
    """1..31 for each row of X, from the ``t`` (days since epoch) column."""
    days = X[:, T].astype("int64").astype("datetime64[D]")
    return (days - days.astype("datetime64[M]")).astype(np.int64) + 1


def _closure_neighbours(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flags (n,) for "open, and tomorrow closed" and "open, and yesterday closed"."""
    is_open = X[:, OPEN] > 0
    before = np.zeros(len(X), dtype=bool)
    after = np.zeros(len(X), dtype=bool)
    before[:-1] = is_open[:-1] & ~is_open[1:]
    after[1:] = is_open[1:] & ~is_open[:-1]
    return before.astype(float), after.astype(float)


def profile_design(
    X: np.ndarray,
    *,
    promo_by_weekday: bool = True,
    dom_effect: bool = False,
    closure_effect: bool = False,
) -> np.ndarray:
    """Design matrix (n, p): intercept, weekday, promo, holiday, school holiday, options."""
    dow = weekday(X)
    cols = [np.ones(len(X))]
    cols += [(dow == d).astype(float) for d in range(1, 7)]
    cols += [X[:, PROMO], X[:, HOLIDAY], X[:, SCHOOL]]
    if promo_by_weekday:
        cols += [X[:, PROMO] * (dow == d) for d in range(1, 7)]
    if dom_effect:
        bucket = np.searchsorted(_DOM_EDGES, day_of_month(X), side="left")
        cols += [(bucket == b).astype(float) for b in range(1, len(_DOM_EDGES) + 1)]
    if closure_effect:
        cols += list(_closure_neighbours(X))
    return np.column_stack(cols)


class ProfileModel(BaseForecaster):
    """Store level × weekday × promo × holiday factors from recent open days."""

    def __init__(
        self,
        window: int = 182,
        half_life: float | None = None,
        promo_by_weekday: bool = True,
        dom_effect: bool = False,
        closure_effect: bool = False,
        ridge: float = 1.0,
    ) -> None:
        if window < 14:
            raise ValueError(f"window must be >= 14 days, got {window}")
        super().__init__(
            window=window,
            half_life=half_life,
            promo_by_weekday=promo_by_weekday,
            dom_effect=dom_effect,
            closure_effect=closure_effect,
            ridge=ridge,
        )
        self.window, self.half_life, self.ridge = window, half_life, ridge
        self._design = {
            "promo_by_weekday": promo_by_weekday,
            "dom_effect": dom_effect,
            "closure_effect": closure_effect,
        }

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        A = profile_design(X, **self._design)[-self.window :]
        target = y[-self.window :]
        use = (X[-self.window :, OPEN] > 0) & np.isfinite(target) & (target > 0)
        self.coef_ = np.zeros(A.shape[1])
        if use.sum() < 7:
            # Too little open history: a flat level (or 0) is the honest forecast.
            positive = y[np.isfinite(y) & (y > 0)]
            self.coef_[0] = np.log(positive[-28:].mean()) if positive.size else -np.inf
            return
        age = np.arange(len(target))[::-1][use]
        weights = 0.5 ** (age / self.half_life) if self.half_life else np.ones(use.sum())
        A_use, z = A[use], np.log(target[use])
        # Ridge on everything but the intercept: unseen or rare effects (an open
        # holiday, a promo that never ran) shrink to "no effect" instead of exploding.
        penalty = np.full(A.shape[1], self.ridge)
        penalty[0] = 0.0
        gram = (A_use * weights[:, None]).T @ A_use + np.diag(penalty)
        self.coef_ = np.linalg.solve(gram, (A_use * weights[:, None]).T @ z)

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        if not np.isfinite(self.coef_[0]):
            return np.zeros(h)
        return np.exp(profile_design(X, **self._design) @ self.coef_)

    def exog_multiplier(self, X: np.ndarray) -> np.ndarray:
        """(n,) factor of the non-calendar terms (promo, holidays, closures) for rows of X.

        Statistical models divide history by it and multiply forecasts by it, so
        ETS/Theta only have to model level, trend and the weekly cycle.
        """
        A = profile_design(X, **self._design)
        keep = np.zeros(A.shape[1], dtype=bool)
        keep[7:] = True  # everything after intercept + 6 weekday dummies
        if self._design["dom_effect"]:
            # Day-of-month buckets are calendar, not exogenous: leave them to the model.
            start = 10 + (6 if self._design["promo_by_weekday"] else 0)
            keep[start : start + len(_DOM_EDGES)] = False
        coef = np.where(keep, self.coef_, 0.0)
        if not np.isfinite(coef).all():
            return np.ones(len(X))
        return np.exp(A @ coef)
