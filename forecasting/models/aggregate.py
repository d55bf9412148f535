"""Temporal aggregation: forecast a month's level from monthly totals, spread it by the daily profile.

Daily models see ~900 noisy days and no full yearly cycle worth fitting per day; the
yearly pattern and trend live in the *monthly level*. For every series a
:class:`~forecasting.models.profile.ProfileModel` (weekday, promo, holidays, closures)
is fitted to the cutoff; its prediction ``p`` over the whole history is the daily shape.
The monthly index of a series is ``r_m = sum(y) / sum(p)`` over the open days of month
``m`` (``log r`` is what the level models see). The index of the target month is
forecast by ``method``:

- ``"yoy"``: last year's same month plus the mean year-over-year change of the last
  ``recent`` months (a seasonal naive with drift, pure numpy);
- ``"ets"``: statsmodels exponential smoothing (damped trend) of the year-over-year
  change, added to last year's same month;
- ``"prophet"``: Prophet with a yearly Fourier seasonality and linear trend on the
  monthly index.

statsmodels and Prophet cost 0.02-0.3 s per fit, so they run on *group* indices (the
mean ``log r`` of the series of a ``group_by`` value, e.g. store type: a handful of
fits per run instead of thousands); each series keeps its own offset to the group
over the last ``recent`` months. ``group_by = "series"`` fits every series alone; a name
that is not a column of the frame (e.g. ``"all"``) puts all series in one group.
The forecast of a day is ``p(day) * r(target month)``, 0 on closed days.
Grain of :meth:`AggregateLevel.predict_frame`: one row per (series_id, ds).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd

from forecasting.models.base import EXOG, OPEN, BaseForecaster, T
from forecasting.models.profile import ProfileModel

__all__ = ["AggregateLevel", "monthly_log_index", "forecast_log_index", "month_of"]

logger = logging.getLogger(__name__)

METHODS = ("yoy", "ets", "prophet")
_MIN_DAYS = 10  # open days with an actual needed for a month's index to count


def month_of(t: np.ndarray) -> np.ndarray:
    """Months since 1970-01 (int64, shape of ``t``) of day numbers since 1970-01-01."""
    return np.asarray(t).astype("int64").astype("datetime64[D]").astype("datetime64[M]").astype(
        np.int64)


def monthly_log_index(y: np.ndarray, X: np.ndarray, shape: np.ndarray) -> pd.Series:
    """``log(sum y / sum shape)`` per month over open days with an actual, indexed by month.

    ``y``, ``shape``: (n,); ``X``: (n, 5). Months with fewer than 10 such days are left out.
    """
    use = (X[:, OPEN] > 0) & np.isfinite(y) & (shape > 0)
    if not use.any():
        return pd.Series(dtype=float)
    months, where = np.unique(month_of(X[use, T]), return_inverse=True)
    total_y = np.bincount(where, weights=y[use])
    total_p = np.bincount(where, weights=shape[use])
    days = np.bincount(where)
    keep = (days >= _MIN_DAYS) & (total_y > 0)
    return pd.Series(np.log(total_y[keep] / total_p[keep]), index=months[keep])


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _yoy_change(index: pd.Series, recent: int) -> pd.Series:
    """Year-over-year change ``L(m) - L(m - 12)`` of the months where both are known."""
    return (index - index.rename(lambda m: m + 12)).dropna()


def forecast_log_index(index: pd.Series, months: list[int], method: str, recent: int = 3,
                       seed: int = 42) -> dict[int, float]:
    """Forecast ``log r`` for ``months`` (months since 1970-01) from the monthly ``index``.

    Falls back to the mean of the last ``recent`` months (no season) when last year's
    month is unknown; returns {} for an empty index.
    """
    index = index.dropna().sort_index()
    if index.empty:
        return {}
    flat = float(index.iloc[-recent:].mean())
    change = _yoy_change(index, recent)
    drift = float(change.iloc[-recent:].mean()) if not change.empty else 0.0
    if method == "ets" and len(change) >= 4:
        drift = _ets_drift(change.to_numpy(), max(months) - int(index.index[-1]))
    if method == "prophet" and len(index) >= 12:
        return _prophet_index(index, months, seed)
    out = {}
    for month in months:
        last_year = index.get(month - 12)
        out[month] = flat if last_year is None else float(last_year) + drift
    return out


def _ets_drift(change: np.ndarray, steps: int) -> float:
    """statsmodels damped-trend ETS (simple ETS under 10 points) of the yearly change."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with _quiet():
        trend = "add" if len(change) >= 10 else None
        model = ExponentialSmoothing(change, trend=trend, damped_trend=trend is not None,
                                     initialization_method="estimated").fit()
        return float(np.asarray(model.forecast(max(1, steps)))[-1])


def _prophet_index(index: pd.Series, months: list[int], seed: int) -> dict[int, float]:
    """Prophet, yearly Fourier order 3 + a stiff linear trend, on monthly points."""
    from forecasting.models.prophet_model import _silence

    _silence()
    from prophet import Prophet

    _silence()
    ds = pd.to_datetime(index.index.to_numpy().astype("datetime64[M]"))
    model = Prophet(yearly_seasonality=False, weekly_seasonality=False, daily_seasonality=False,
                    n_changepoints=min(5, len(index) // 4), changepoint_prior_scale=0.01,
                    uncertainty_samples=0)
    model.add_seasonality("yearly", period=365.25, fourier_order=3)
    future = pd.DataFrame({"ds": pd.to_datetime(np.array(months).astype("datetime64[M]"))})
    with _quiet():  # pandas deprecation chatter from inside prophet
        model.fit(pd.DataFrame({"ds": ds, "y": index.to_numpy()}), seed=seed)
        values = model.predict(future)["yhat"].to_numpy()
    return {m: float(v) for m, v in zip(months, values, strict=True)}


class AggregateLevel(BaseForecaster):
    """Monthly level (yearly season + trend) × daily profile; see the module docstring.

    A global candidate: the engine calls :meth:`fit_frame` / :meth:`predict_frame` with
    all series, so the statsmodels and Prophet fits run once per group.
    """

    is_global = True

    def __init__(self, method: str = "yoy", group_by: str = "store_type", recent: int = 3,
                 window: int = 364, half_life: float | None = 91.0, dom_effect: bool = True,
                 closure_effect: bool = True, months_ahead: int = 2, seed: int = 42) -> None:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if recent < 1 or months_ahead < 1:
            raise ValueError("recent and months_ahead must be >= 1")
        super().__init__(method=method, group_by=group_by, recent=recent, window=window,
                         half_life=half_life, dom_effect=dom_effect,
                         closure_effect=closure_effect, months_ahead=months_ahead, seed=seed)
        self.method, self.group_by, self.recent, self.seed = method, group_by, recent, seed
        self.months_ahead = months_ahead
        self.profile_params = {"window": window, "half_life": half_life, "dom_effect": dom_effect,
                               "closure_effect": closure_effect}

    def fit_frame(self, frame: pd.DataFrame, cutoff: pd.Timestamp) -> AggregateLevel:
        """Daily shapes and target-month indices of every series of ``frame`` (sorted, no gaps)."""
        cut = _day_number(cutoff)
        self.shapes_, indices, group_of = _profiles(frame, cut, self.profile_params,
                                                    self.group_by)
        first = int(month_of(np.array([cut + 1]))[0])
        months = [first + k for k in range(self.months_ahead)]
        self.levels_ = self._levels(indices, group_of, months)
        return self

    def _levels(self, indices: dict[int, pd.Series], group_of: dict[int, object],
                months: list[int]) -> dict[int, dict[int, float]]:
        """log r per series and target month: group forecast + the series' recent offset."""
        table = pd.DataFrame(indices)  # months x series
        out: dict[int, dict[int, float]] = {}
        for group in sorted(set(group_of.values()), key=str):
            members = [s for s, g in group_of.items() if g == group and s in table]
            if not members:
                continue
            part = table[members]
            level = part.mean(axis=1).dropna()
            try:
                forecast = forecast_log_index(level, months, self.method, self.recent, self.seed)
            except Exception:  # a failed group fit must not lose the group: no season
                logger.debug("level model failed", extra={"group": str(group)}, exc_info=True)
                forecast = forecast_log_index(level, months, "yoy", self.recent)
            for series_id in members:
                offset = (part[series_id] - level).dropna().iloc[-self.recent:]
                shift = float(offset.mean()) if len(offset) else 0.0
                out[series_id] = {m: v + shift for m, v in forecast.items()}
        return out

    def predict_frame(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        """Mean forecasts ``(series_id, ds, mean)`` for the fitted series, days in [start, end]."""
        lo, hi = _day_number(start), _day_number(end)
        parts = []
        for series_id, (t, shape) in self.shapes_.items():
            keep = (t >= lo) & (t <= hi)
            levels = self.levels_.get(series_id, {})
            months = month_of(t[keep])
            last = levels[max(levels)] if levels else 0.0
            factor = np.exp([levels.get(int(m), last) for m in months])
            parts.append(pd.DataFrame({"series_id": series_id, "ds": pd.to_datetime(
                t[keep].astype("int64"), unit="D"), "mean": shape[keep] * factor}))
        if not parts:
            return pd.DataFrame(columns=["series_id", "ds", "mean"])
        return pd.concat(parts, ignore_index=True)

    # Protocol form: a "panel" of one series (its own group), for tests and ad-hoc use.
    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        self._history = (y, X)

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        y, Xh = self._history
        frame = pd.DataFrame(np.vstack([Xh, X]), columns=list(EXOG))
        frame["y"] = np.concatenate([y, np.full(h, np.nan)])
        frame["series_id"] = 0
        cutoff = pd.Timestamp(int(Xh[-1, T]), unit="D")
        self.months_ahead = max(self.months_ahead, len(np.unique(month_of(X[:, T]))) + 1)
        self.fit_frame(frame, cutoff)
        first, last = (pd.Timestamp(int(v), unit="D") for v in (X[0, T], X[-1, T]))
        out = self.predict_frame(first, last)
        return out["mean"].to_numpy() if len(out) == h else np.zeros(h)


def _day_number(value: pd.Timestamp) -> int:
    """Days since 1970-01-01 of a timestamp's date."""
    return int((pd.Timestamp(value).normalize() - pd.Timestamp("1970-01-01")).days)


# The last profiles computed, per frame and cutoff: candidates that differ only in the level
# model (yoy, ets, prophet) share the per-series profile fits of each period (the engine
# fits all periods of one candidate, then the next candidate) instead of repeating them.
_CACHE: dict[tuple, tuple] = {}
_CACHE_SIZE = 12


def _profiles(frame: pd.DataFrame, cut: int, params: dict, group_by: str) -> tuple:
    """Per series: (future day numbers, daily shape there), monthly log index, group."""
    sid = frame["series_id"].to_numpy()
    y_all = frame["y"].to_numpy(float)
    bounds = np.r_[0, np.flatnonzero(np.diff(sid)) + 1, len(sid)]
    if group_by == "series" or group_by not in frame:
        groups = sid if group_by == "series" else np.zeros(len(sid), dtype=np.int64)
    else:
        groups = frame[group_by].astype(str).to_numpy()
    key = (id(frame), len(frame), float(np.nansum(y_all)), cut, tuple(sorted(params.items())))
    if key in _CACHE:
        cached, cached_indices = _CACHE[key]
        return cached, cached_indices, {int(s): groups[a] for s, a in zip(
            sid[bounds[:-1]], bounds[:-1], strict=True) if s in cached}
    X_all = frame[list(EXOG)].to_numpy(float) if "t" in frame else _exog(frame)
    shapes: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    indices: dict[int, pd.Series] = {}
    group_of: dict[int, object] = {}
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        y, X = y_all[a:b], X_all[a:b]
        n = int(np.searchsorted(X[:, T], cut, side="right"))
        if n < 28 or not np.isfinite(y[:n]).any():
            continue  # a new store: no profile, no forecast
        profile = ProfileModel(**params)
        profile.residuals_ = np.array([])  # its own intervals are not needed
        profile.fit(y[:n], X[:n])
        shape = profile._predict(b - a, X)
        series_id = sid[a].item()
        shapes[series_id] = (X[n:, T], np.where(X[n:, OPEN] > 0, shape[n:], 0.0))
        indices[series_id] = monthly_log_index(y[:n], X[:n], shape[:n])
        group_of[series_id] = groups[a]
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))  # the oldest entry
    _CACHE[key] = (shapes, indices)
    return shapes, indices, group_of


def _exog(frame: pd.DataFrame) -> np.ndarray:
    """EXOG columns of a frame without ``t``: the day number comes from ``ds``."""
    t = (frame["ds"].to_numpy().astype("datetime64[D]") - np.datetime64("1970-01-01", "D"))
    cols = [t.astype(np.int64).astype(float)] + [frame[c].to_numpy(float) for c in EXOG[1:]]
    return np.column_stack(cols)
