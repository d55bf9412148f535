"""One LightGBM model across all series (a "global" model).

Grain: one training row per series and open day with sales, up to the cutoff.
The target is ``log1p(y)`` minus the series' recent level, so stores of any size
share one set of trees. Every lag feature looks back at least ``min_lag`` days
(>= the longest horizon, 31), so a whole month is forecast from data up to the
cutoff without recursion. Calendar, promo, holiday and closure-neighbour flags of
the target month are known and used directly. Training is deterministic
(fixed seed, fixed thread count, ``deterministic=True``) so shards agree exactly.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.models.base import EXOG, BaseForecaster

__all__ = ["GlobalLGBM", "build_features", "FEATURES"]

logger = logging.getLogger(__name__)

_SAME_WEEKDAY_LAGS = (35, 42, 49, 56)
CATEGORICAL = ("store_type", "store_code")
FEATURES = (
    "dow", "dom", "month", "woy", "days_to_month_end",
    "promo", "promo_day", "is_holiday", "school_holiday",
    "holiday_before", "holiday_after", "closed_before", "closed_after",
    "lvl", "lvl_28", "weekday_ratio", "year_ratio", "promo_lift", "open_share",
    "year_swing_7", "year_swing_28", "lvl_yoy",
    *CATEGORICAL,
)  # fmt: skip


def _by_series(frame: pd.DataFrame, column: str, shift: int) -> pd.Series:
    """``column`` shifted by ``shift`` rows within each series (frame sorted, no gaps)."""
    return frame.groupby("series_id", sort=False)[column].shift(shift)


def _rolling(frame: pd.DataFrame, column: str, window: int, min_periods: int,
             center: bool = False) -> pd.Series:
    return (
        frame.groupby("series_id", sort=False)[column]
        .rolling(window, min_periods=min_periods, center=center)
        .mean()
        .reset_index(level=0, drop=True)
    )


def build_features(frame: pd.DataFrame, cutoff: pd.Timestamp, min_lag: int = 31) -> pd.DataFrame:
    """Feature table, one row per input row (same order), using no actual after ``cutoff``.

    ``frame`` is the engine's long frame sorted by (series_id, ds) without date gaps.
    """
    f = pd.DataFrame({"series_id": frame["series_id"].to_numpy(), "ds": frame["ds"].to_numpy()})
    open_ = frame["is_open"].to_numpy() > 0
    y = frame["y"].to_numpy(dtype=float)
    known = (frame["ds"].to_numpy() <= np.datetime64(cutoff)) & open_ & (y > 0)
    f["ly"] = np.where(known, np.log1p(np.where(known, y, 0.0)), np.nan)
    promo = frame["promo"].to_numpy(dtype=float)
    f["ly_promo"] = np.where(promo > 0, f["ly"], np.nan)
    f["ly_plain"] = np.where(promo > 0, np.nan, f["ly"])
    f["is_open"] = open_.astype(float)
    ds = frame["ds"].dt
    f["dow"], f["dom"], f["month"] = ds.day_of_week, ds.day, ds.month
    f["woy"] = ds.isocalendar().week.to_numpy(dtype=np.int64)
    f["days_to_month_end"] = ds.days_in_month - ds.day
    f["promo"] = promo
    f["is_holiday"] = frame["is_holiday"].to_numpy(dtype=float)
    f["school_holiday"] = frame["school_holiday"].to_numpy(dtype=float)
    # Flags of the neighbouring days are known for the target month too.
    f["holiday_before"] = _by_series(f, "is_holiday", -1).fillna(0)
    f["holiday_after"] = _by_series(f, "is_holiday", 1).fillna(0)
    f["closed_before"] = 1 - _by_series(f, "is_open", -1).fillna(1)
    f["closed_after"] = 1 - _by_series(f, "is_open", 1).fillna(1)
    # Day number within the current promo run (promos start on Mondays and last ~5 days).
    run_start = (f["promo"] > 0) & (_by_series(f, "promo", 1).fillna(0) <= 0)
    run_id = run_start.groupby(f["series_id"]).cumsum()
    f["promo_day"] = np.where(f["promo"] > 0, f.groupby([f["series_id"], run_id]).cumcount(), -1)
    # Level features end ``min_lag`` days back: known for every day of the target month.
    for name in ("ly", "ly_promo", "ly_plain", "is_open"):
        f[f"{name}_lag"] = _by_series(f, name, min_lag)
    # A store back from a long gap (180 Rossmann stores miss 2014-07..12) has no recent level:
    # the last level it had is a far better guess than "no level" (a forecast of 0).
    f["lvl"] = _rolling(f, "ly_lag", 91, 14).groupby(f["series_id"]).ffill()
    f["lvl_28"] = _rolling(f, "ly_lag", 28, 7) - f["lvl"]
    f["promo_lift"] = _rolling(f, "ly_promo_lag", 182, 5) - _rolling(f, "ly_plain_lag", 182, 5)
    f["open_share"] = _rolling(f, "is_open_lag", 91, 14)
    same_weekday = np.column_stack([_by_series(f, "ly", lag) for lag in _SAME_WEEKDAY_LAGS])
    count = np.isfinite(same_weekday).sum(axis=1)
    total = np.nansum(same_weekday, axis=1)
    weekday_mean = np.divide(total, count, out=np.full(len(f), np.nan), where=count > 0)
    f["weekday_ratio"] = weekday_mean - f["lvl"]
    f["year_ratio"] = _by_series(f, "ly", 364) - _rolling(f, "ly_lag", 91, 14).groupby(
        f["series_id"]).shift(364 - min_lag)
    # Yearly season and trend: last year's same week / 4 weeks against last year's level
    # (both windows shifted by exactly 52 weeks, so weekdays and promo cycles align).
    last_level = _by_series(f, "lvl", 364)
    for days in (7, 28):
        f[f"_week_{days}"] = _rolling(f, "ly", days, days // 2, center=True)
        f[f"year_swing_{days}"] = _by_series(f, f"_week_{days}", 364) - last_level
    f["lvl_yoy"] = f["lvl"] - last_level
    f["store_type"] = frame["store_type"].astype("category").cat.codes if "store_type" in frame else 0
    f["store_code"] = frame["series_id"].to_numpy()
    return f


class GlobalLGBM(BaseForecaster):
    """Global LightGBM; the engine calls :meth:`fit_frame` / :meth:`predict_frame`."""

    is_global = True
    # Its periods may be fitted in threads at once: training runs in LightGBM's C code with
    # the GIL released, each fit on its own booster, and the features are read-only.
    parallel_periods = True

    def __init__(
        self,
        num_leaves: int = 63,
        learning_rate: float = 0.12,
        n_estimators: int = 250,
        min_child_samples: int = 100,
        feature_fraction: float = 0.8,
        history_days: int = 730,
        min_lag: int = 31,
        num_threads: int = 2,
        seed: int = 42,
    ) -> None:
        if min_lag < 31:
            raise ValueError(f"min_lag must be >= 31 (a month ahead), got {min_lag}")
        super().__init__(
            num_leaves=num_leaves, learning_rate=learning_rate, n_estimators=n_estimators,
            min_child_samples=min_child_samples, feature_fraction=feature_fraction,
            history_days=history_days, min_lag=min_lag, num_threads=num_threads, seed=seed,
        )  # fmt: skip
        self.history_days, self.min_lag = history_days, min_lag
        self.lgb_params = {
            "objective": "regression", "num_leaves": num_leaves, "learning_rate": learning_rate,
            "min_child_samples": min_child_samples, "feature_fraction": feature_fraction,
            "num_threads": num_threads, "seed": seed, "deterministic": True,
            "force_row_wise": True, "verbose": -1,
        }  # fmt: skip
        self.n_estimators = n_estimators

    def shared_features(self, frame: pd.DataFrame, cutoffs: list[pd.Timestamp],
                        ends: list[pd.Timestamp]) -> pd.DataFrame | None:
        """One feature table for every period (cutoff, last forecast day), or None.

        Every feature of a day looks back at least ``min_lag`` days, so on the days up to
        ``cutoff + min_lag`` the table built at the latest cutoff equals the one built at any
        earlier cutoff: one pass instead of one per period. A period reaching further
        (a 5-week fiscal period) would see actuals its own pass hides: None, build per period.
        """
        reach = max((end - cut).days for cut, end in zip(cutoffs, ends, strict=True))
        if reach > self.min_lag:
            return None
        return build_features(frame, max(cutoffs), self.min_lag)

    def fit_frame(self, frame: pd.DataFrame, cutoff: pd.Timestamp,
                  features: pd.DataFrame | None = None) -> GlobalLGBM:
        """Train on every series of ``frame`` with actuals up to ``cutoff`` (inclusive).

        ``features``: the table of :meth:`shared_features` (built at a cutoff >= this one).
        """
        import lightgbm as lgb

        self.frame_, self.cutoff_ = frame, pd.Timestamp(cutoff)
        # Kept for predict_frame: the features of the target month come from the same pass.
        self.features_ = feats = features if features is not None else \
            build_features(frame, self.cutoff_, self.min_lag)
        start = self.cutoff_ - pd.Timedelta(days=self.history_days - 1)
        # ``ds <= cutoff``: a shared table knows actuals after this period's cutoff.
        use = (feats["ds"] >= start) & (feats["ds"] <= self.cutoff_) & feats["ly"].notna() & \
            feats["lvl"].notna()
        data = lgb.Dataset(
            feats.loc[use, list(FEATURES)], label=(feats["ly"] - feats["lvl"])[use],
            categorical_feature=list(CATEGORICAL), free_raw_data=True,
        )  # fmt: skip
        self.booster_ = lgb.train(self.lgb_params, data, num_boost_round=self.n_estimators)
        logger.debug("trained global lightgbm", extra={"rows": int(use.sum())})
        return self

    def predict_frame(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        """Mean forecasts ``(series_id, ds, mean)`` for all series, days in [start, end]."""
        feats = self.features_
        rows = (feats["ds"] >= start) & (feats["ds"] <= end)
        part = feats.loc[rows]
        pred = self.booster_.predict(part[list(FEATURES)], num_threads=self.lgb_params["num_threads"])
        level = part["lvl"].to_numpy()
        # A series with no open day in the level window has no level: forecast 0.
        mean = np.where(np.isfinite(level), np.expm1(pred + np.nan_to_num(level)), 0.0)
        mean = np.where(self.frame_.loc[rows, "is_open"].to_numpy() > 0, mean, 0.0)
        return pd.DataFrame({"series_id": part["series_id"].to_numpy(),
                             "ds": part["ds"].to_numpy(), "mean": np.clip(mean, 0, None)})

    # Protocol form: a "panel" of one series, for tests and ad-hoc use.
    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        self._history = (y, X)

    def _predict(self, h: int, X: np.ndarray) -> np.ndarray:
        y, Xh = self._history
        Xall = np.vstack([Xh, X])
        frame = pd.DataFrame(Xall, columns=list(EXOG))
        frame["ds"] = pd.to_datetime(frame["t"].astype("int64"), unit="D")
        frame["y"] = np.concatenate([y, np.full(h, np.nan)])
        frame["series_id"] = 0
        frame["store_type"] = "a"
        cutoff = frame["ds"].iloc[len(y) - 1]
        self.fit_frame(frame, cutoff)
        out = self.predict_frame(frame["ds"].iloc[len(y)], frame["ds"].iloc[-1])
        return out["mean"].to_numpy()

