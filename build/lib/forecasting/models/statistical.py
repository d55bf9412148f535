"""statsmodels candidates: ETS (optionally damped), SARIMAX with exogenous flags, Theta.

ETS and Theta cannot take regressors, so they model an *adjusted* series: open-day
sales divided by the promo/holiday/closure factors of a :class:`ProfileModel`, with
closed days imputed by the profile's level × weekday value (a closure is known
exogenous, not a sales shock). Forecasts are multiplied back by the future factors.
They run on ``log`` values by default so the weekly pattern is multiplicative and
intervals stay positive. SARIMAX takes promo, open and holiday flags directly as
regressors on ``log1p(y)``.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from forecasting.models.base import HOLIDAY, OPEN, PROMO, SCHOOL, BaseForecaster
from forecasting.models.profile import ProfileModel

__all__ = ["ETSForecaster", "SarimaxForecaster", "ThetaForecaster"]

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence statsmodels' convergence chatter: one warning per series is noise at scale."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class _AdjustedModel(BaseForecaster):
    """Shared prepare/restore around a univariate model fitted on the adjusted series."""

    native_intervals = True

    def __init__(self, window: int = 364, log: bool = True, **params: object) -> None:
        super().__init__(window=window, log=log, **params)
        self.window, self.log = window, log

    def _prepare(self, y: np.ndarray, X: np.ndarray) -> np.ndarray:
        y, X = y[-self.window :], X[-self.window :]
        self.profile_ = ProfileModel(window=min(self.window, 182), closure_effect=True)
        self.profile_.residuals_ = np.array([])  # the profile's intervals are not needed
        self.profile_.fit(y, X)
        mult = self.profile_.exog_multiplier(X)
        adjusted = np.where((X[:, OPEN] > 0) & (y > 0), y / mult, np.nan)
        base = self.profile_._predict(len(y), X) / mult
        adjusted = np.where(np.isfinite(adjusted), adjusted, base)
        adjusted = np.clip(adjusted, 1e-3, None)
        return np.log(adjusted) if self.log else adjusted

    def _restore(self, values: np.ndarray, X: np.ndarray) -> np.ndarray:
        values = np.exp(np.clip(values, -50, 50)) if self.log else values
        return values * self.profile_.exog_multiplier(X)

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        with _quiet():
            return self._restore(self._forecast(h, None)[0], X)

    def _predict_intervals(
        self, h: int, X: np.ndarray, levels: Sequence[int], mean: np.ndarray
    ) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for level in levels:
            with _quiet():
                _, lo, hi = self._forecast(h, level)
            out[f"lo-{level}"] = self._restore(lo, X)
            out[f"hi-{level}"] = self._restore(hi, X)
        return out

    def _forecast(self, h: int, level: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError


class ETSForecaster(_AdjustedModel):
    """statsmodels ``ETSModel`` (additive error, optional damped trend, weekly season)."""

    def __init__(self, window: int = 364, log: bool = True, trend: bool = False,
                 damped: bool = False) -> None:
        super().__init__(window=window, log=log, trend=trend, damped=damped)
        self.trend, self.damped = trend, damped and trend

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        z = self._prepare(y, X)
        with _quiet():
            model = ETSModel(pd.Series(z), error="add", trend="add" if self.trend else None,
                             damped_trend=self.damped, seasonal="add", seasonal_periods=7)
            self.result_ = model.fit(disp=False, maxiter=200)

    def _forecast(self, h: int, level: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = self.result_.nobs
        pred = self.result_.get_prediction(start=n, end=n + h - 1)
        mean = np.asarray(pred.predicted_mean)
        if level is None:
            return mean, mean, mean
        frame = pred.summary_frame(alpha=1 - level / 100)
        return mean, frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()


class ThetaForecaster(_AdjustedModel):
    """statsmodels ``ThetaModel`` on the adjusted series, weekly deseasonalised."""

    def __init__(self, window: int = 364, log: bool = True, theta: float = 2.0) -> None:
        super().__init__(window=window, log=log, theta=theta)
        self.theta = theta

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        z = self._prepare(y, X)
        with _quiet():
            # Additive decomposition on logs = multiplicative on sales.
            self.result_ = ThetaModel(z, period=7, deseasonalize=True,
                                      method="additive" if self.log else "auto").fit()

    def _forecast(self, h: int, level: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mean = np.asarray(self.result_.forecast(h, theta=self.theta))
        if level is None:
            return mean, mean, mean
        bounds = np.asarray(self.result_.prediction_intervals(h, theta=self.theta,
                                                              alpha=1 - level / 100))
        return mean, bounds[:, 0], bounds[:, 1]


class SarimaxForecaster(BaseForecaster):
    """SARIMAX on ``log1p(y)`` with promo, open, holiday and school-holiday regressors."""

    native_intervals = True

    def __init__(self, window: int = 364, order: Sequence[int] = (1, 0, 1),
                 seasonal_order: Sequence[int] = (1, 0, 1, 7), maxiter: int = 50) -> None:
        super().__init__(window=window, order=list(order), seasonal_order=list(seasonal_order),
                         maxiter=maxiter)
        self.window, self.maxiter = window, maxiter
        self.order, self.seasonal_order = tuple(order), tuple(seasonal_order)

    def _exog(self, X: np.ndarray) -> np.ndarray:
        return X[:, [PROMO, OPEN, HOLIDAY, SCHOOL]][:, self.columns_]

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        y, X = y[-self.window :], X[-self.window :]
        exog_all = X[:, [PROMO, OPEN, HOLIDAY, SCHOOL]]
        # A flag constant over the window (no holiday in it) would make the design singular.
        self.columns_ = np.flatnonzero(exog_all.std(axis=0) > 0)
        with _quiet():
            model = SARIMAX(np.log1p(np.clip(y, 0, None)), exog=self._exog(X) if
                            self.columns_.size else None, order=self.order,
                            seasonal_order=self.seasonal_order, trend="c")
            self.result_ = model.fit(disp=False, maxiter=self.maxiter)

    def _forecast(self, h: int, X: np.ndarray):  # noqa: ANN202 - statsmodels wrapper
        exog = self._exog(X) if self.columns_.size else None
        return self.result_.get_forecast(h, exog=exog)

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        return np.expm1(np.clip(np.asarray(self._forecast(h, X).predicted_mean), -50, 50))

    def _predict_intervals(
        self, h: int, X: np.ndarray, levels: Sequence[int], mean: np.ndarray
    ) -> dict[str, np.ndarray]:
        forecast = self._forecast(h, X)
        out: dict[str, np.ndarray] = {}
        for level in levels:
            bounds = np.asarray(forecast.conf_int(alpha=1 - level / 100))
            out[f"lo-{level}"] = np.expm1(np.clip(bounds[:, 0], -50, 50))
            out[f"hi-{level}"] = np.expm1(np.clip(bounds[:, 1], -50, 50))
        return out
