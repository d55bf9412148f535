"""Prophet with holidays and promo / school-holiday regressors.

Closed days are dropped from the fit (Prophet accepts gaps) and forced to 0 in the
forecast; holidays enter as the ``is_holiday`` flag and flags for the day before and
after a holiday, which is where open stores see the holiday effect.
By default it fits ``log1p(y)`` so weekly and promo effects are multiplicative.
Prophet's own (sampling) intervals are slow and only reflect trend noise, so it
runs without sampling and gets conformal intervals like the other fast models.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.models.base import HOLIDAY, OPEN, PROMO, SCHOOL, BaseForecaster, T

__all__ = ["ProphetForecaster"]

logger = logging.getLogger(__name__)

REGRESSORS = ("promo", "school_holiday", "holiday", "holiday_before", "holiday_after")


def _silence() -> None:
    """cmdstanpy logs every optimisation at INFO; thousands of lines per run help nobody."""
    for name in ("cmdstanpy", "prophet", "prophet.plot"):
        lib_logger = logging.getLogger(name)
        # cmdstanpy installs its own INFO handler unless the logger already has one.
        if not any(isinstance(h, logging.NullHandler) for h in lib_logger.handlers):
            lib_logger.handlers[:] = [logging.NullHandler()]
        lib_logger.setLevel(logging.ERROR)
        lib_logger.propagate = False


class ProphetForecaster(BaseForecaster):
    """``prophet.Prophet`` on open days with holiday and regressor effects."""

    calibration_windows = 0  # in-sample residuals instead: refitting Prophet is costly

    def __init__(
        self,
        window: int = 730,
        log: bool = True,
        yearly: bool = True,
        changepoint_prior_scale: float = 0.05,
        seasonality_prior_scale: float = 10.0,
        seed: int = 42,
    ) -> None:
        super().__init__(
            window=window,
            log=log,
            yearly=yearly,
            changepoint_prior_scale=changepoint_prior_scale,
            seasonality_prior_scale=seasonality_prior_scale,
            seed=seed,
        )
        self.window, self.log, self.yearly, self.seed = window, log, yearly, seed
        self.cps, self.sps = changepoint_prior_scale, seasonality_prior_scale

    @staticmethod
    def _frame(X: np.ndarray) -> pd.DataFrame:
        """Prophet's input rows: dates plus regressors, all known for future days."""
        holiday = X[:, HOLIDAY]
        # Shopping shifts to the days around a holiday; flags of the neighbours carry it.
        before = np.append(holiday[1:], 0.0)
        after = np.insert(holiday[:-1], 0, 0.0)
        return pd.DataFrame(
            {
                "ds": pd.to_datetime(X[:, T].astype("int64"), unit="D"),
                "promo": X[:, PROMO],
                "school_holiday": X[:, SCHOOL],
                "holiday": holiday,
                "holiday_before": before * (1 - holiday),
                "holiday_after": after * (1 - holiday),
            }
        )

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        _silence()
        import prophet  # noqa: F401 - its import configures cmdstanpy's logger; re-silence after

        _silence()
        y, X = y[-self.window :], X[-self.window :]
        frame = self._frame(X)
        use = (X[:, OPEN] > 0) & np.isfinite(y)
        self.fallback_ = None
        if use.sum() < 14:
            # Prophet cannot fit on a handful of points; a flat mean is the honest answer.
            self.fallback_ = float(np.nanmean(y[use])) if use.any() else 0.0
            return
        target = np.log1p(np.clip(y, 0, None)) if self.log else y
        frame["y"] = np.where(use, target, np.nan)
        self.model_ = self._new_model()
        self.model_.fit(frame[use], seed=self.seed)
        fitted = self.model_.predict(frame[use])["yhat"].to_numpy()
        fitted = np.expm1(fitted) if self.log else fitted
        if self.residuals_ is None:
            # In-sample errors of a model with few parameters: close to out-of-sample.
            self.residuals_ = y[use] - fitted

    def _new_model(self):  # noqa: ANN202 - prophet.Prophet, imported lazily
        from prophet import Prophet

        model = Prophet(
            growth="linear",
            yearly_seasonality=self.yearly,
            weekly_seasonality=True,
            daily_seasonality=False,
            changepoint_prior_scale=self.cps,
            seasonality_prior_scale=self.sps,
            uncertainty_samples=0,
        )
        # Holidays enter as regressors, not Prophet's holiday table: the table must be
        # known at fit time, while the flags of the target month arrive with X_future.
        for name in REGRESSORS:
            model.add_regressor(name, standardize=False)
        return model

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        if self.fallback_ is not None:
            return np.full(h, self.fallback_)
        values = self.model_.predict(self._frame(X))["yhat"].to_numpy()
        return np.expm1(values) if self.log else values
