"""Temporal aggregation: the monthly level model reproduces a known yearly pattern."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.models import MODELS
from forecasting.models.aggregate import forecast_log_index, month_of, monthly_log_index

WEEK = np.array([1.0, 0.9, 0.9, 1.0, 1.1, 1.3, 0.0])  # Mon..Sun; closed on Sundays
START = dt.date(2012, 1, 1)


def _day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def yearly_series(end: dt.date, seed: int = 0, amplitude: float = 0.25, growth: float = 0.1,
                  noise: float = 0.03) -> tuple[np.ndarray, np.ndarray]:
    """Daily y (n,) and X (n, 5) from 2012-01-01 to ``end``: 1,000 x (1 + a sin(yearly))
    x weekday x yearly growth, log-normal noise, promo every other week."""
    t = _day(START) + np.arange((end - START).days + 1)
    dow = (t + 3) % 7
    doy = (t.astype("datetime64[D]") - t.astype("datetime64[D]").astype("datetime64[Y]")).astype(int)
    season = 1 + amplitude * np.sin(2 * np.pi * doy / 365.25)
    promo = ((t // 7) % 2 == 0) & (dow < 5)
    is_open = WEEK[dow] > 0
    trend = (1 + growth) ** ((t - t[0]) / 365.25)
    rng = np.random.default_rng(seed)
    y = 1000 * season * WEEK[dow] * np.where(promo, 1.25, 1.0) * trend * np.exp(
        rng.normal(0, noise, t.size))
    y = np.where(is_open, y, 0.0)
    X = np.column_stack([t, promo, is_open, np.zeros(t.size), np.zeros(t.size)]).astype(float)
    return y, X


@pytest.mark.parametrize("method", ["yoy", "ets"])
@pytest.mark.parametrize("target", [dt.date(2015, 3, 1), dt.date(2015, 9, 1), dt.date(2015, 12, 1)])
def test_reproduces_the_yearly_pattern(method, target):
    end = (pd.Timestamp(target) + pd.offsets.MonthEnd(0)).date()
    y, X = yearly_series(end)
    n = int(np.searchsorted(X[:, 0], _day(target)))
    h = y.size - n
    forecast = MODELS["aggregate_level"](method=method, group_by="series").fit(
        y[:n], X[:n]).predict(h, X[n:])["mean"]
    profile = MODELS["profile"](window=364, half_life=91.0).fit(y[:n], X[:n]).predict(h, X[n:])
    truth = y[n:].sum()
    # The month's total within 3 %, where a daily profile without a season misses by more.
    assert forecast.sum() == pytest.approx(truth, rel=0.03)
    assert abs(profile["mean"].sum() / truth - 1) > abs(forecast.sum() / truth - 1)
    assert np.all(forecast[X[n:, 2] == 0] == 0)


def test_prophet_level_reproduces_the_yearly_pattern():
    pytest.importorskip("prophet")
    y, X = yearly_series(dt.date(2015, 9, 30))
    n = int(np.searchsorted(X[:, 0], _day(dt.date(2015, 9, 1))))
    forecast = MODELS["aggregate_level"](method="prophet", group_by="series").fit(
        y[:n], X[:n]).predict(y.size - n, X[n:])["mean"]
    assert forecast.sum() == pytest.approx(y[n:].sum(), rel=0.04)


def test_monthly_index_is_the_ratio_of_totals_on_open_days():
    t = _day(dt.date(2015, 1, 1)) + np.arange(59)  # January and February 2015
    X = np.column_stack([t, np.zeros(59), np.ones(59), np.zeros(59), np.zeros(59)]).astype(float)
    X[3, 2] = 0  # a closed day is left out
    y = np.where(month_of(t) == month_of(t)[0], 110.0, 90.0)
    y[3] = 0.0
    index = monthly_log_index(y, X, np.full(59, 100.0))
    assert np.exp(index.to_numpy()) == pytest.approx([1.1, 0.9])


def test_year_over_year_index_forecast_adds_the_recent_change():
    months = np.arange(540, 540 + 15)
    index = pd.Series(np.r_[np.linspace(0, 0.3, 12), np.linspace(0, 0.3, 12)[:3] + 0.1], months)
    out = forecast_log_index(index, [int(months[-1]) + 1], "yoy", recent=3)
    assert out[int(months[-1]) + 1] == pytest.approx(np.linspace(0, 0.3, 12)[3] + 0.1)
    assert forecast_log_index(pd.Series(dtype=float), [600], "yoy") == {}


def test_groups_share_the_season_and_keep_their_level():
    frames = []
    for series_id, scale in ((1, 1.0), (2, 3.0)):
        y, X = yearly_series(dt.date(2015, 9, 30), seed=series_id)
        frame = pd.DataFrame(X, columns=["t", "promo", "is_open", "is_holiday", "school_holiday"])
        frame["y"] = y * scale
        frame["ds"] = pd.to_datetime(frame["t"].astype("int64"), unit="D")
        frame["series_id"], frame["store_type"] = series_id, "a"
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    actual = frame.loc[frame["ds"] >= "2015-09-01"].groupby("series_id")["y"].sum()
    frame.loc[frame["ds"] >= "2015-09-01", "y"] = np.nan
    model = MODELS["aggregate_level"](method="ets").fit_frame(frame, pd.Timestamp("2015-08-31"))
    pred = model.predict_frame(pd.Timestamp("2015-09-01"), pd.Timestamp("2015-09-30"))
    totals = pred.groupby("series_id")["mean"].sum()
    assert totals.to_numpy() == pytest.approx(actual.to_numpy(), rel=0.03)


def test_bad_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        MODELS["aggregate_level"](method="arima")
