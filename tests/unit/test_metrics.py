"""Metrics against values computed by hand (see the comments for the arithmetic)."""

import math

import numpy as np
import pytest

from forecasting import metrics as m
from support import FIXTURES

Y = np.array([10.0, 20.0, 0.0, 40.0])
F = np.array([12.0, 18.0, 5.0, 30.0])  # errors f - y: +2, -2, +5, -10


def test_mae_rmse_wape_bias():
    assert m.mae(Y, F) == pytest.approx(19 / 4)  # (2 + 2 + 5 + 10) / 4
    assert m.rmse(Y, F) == pytest.approx(math.sqrt(133 / 4))  # (4 + 4 + 25 + 100) / 4
    assert m.wape(Y, F) == pytest.approx(19 / 70)
    assert m.bias(Y, F) == pytest.approx(100 * (65 - 70) / 70)  # under-forecast: negative


def test_percentage_metrics_skip_zero_actuals():
    assert m.mape(Y, F) == pytest.approx(100 * (0.2 + 0.1 + 0.25) / 3)
    assert m.smape(Y, F) == pytest.approx(100 * (4 / 22 + 4 / 38 + 20 / 70) / 3)
    assert m.rmspe(Y, F) == pytest.approx(math.sqrt((0.2**2 + 0.1**2 + 0.25**2) / 3))


def test_rmsle():
    logs = [math.log(13 / 11), math.log(19 / 21), math.log(6 / 1), math.log(31 / 41)]
    assert m.rmsle(Y, F) == pytest.approx(math.sqrt(sum(v * v for v in logs) / 4))


def test_mase_scales_by_seasonal_naive_in_sample():
    y_train = np.arange(1.0, 10.0)  # lag-2 differences are all 2
    assert m.mase(Y, F, y_train, season=2) == pytest.approx((19 / 4) / 2)
    assert math.isnan(m.mase(Y, F, np.array([1.0, 2.0]), season=7))


def test_interval_metrics():
    lo, hi = np.array([9.0, 19.0, 0.0, 35.0]), np.array([11.0, 21.0, 1.0, 39.0])
    assert m.coverage(Y, lo, hi) == pytest.approx(0.75)  # 40 is above 39
    # widths 2 + 2 + 1 + 4, plus 2 / 0.2 * (40 - 39) for the miss
    assert m.winkler(Y, lo, hi, 80) == pytest.approx((9 + 10) / 4)
    assert math.isnan(m.coverage(Y, np.full(4, np.nan), hi))


def test_nan_actuals_are_ignored_and_empty_gives_nan():
    y = np.array([10.0, np.nan, 40.0])
    f = np.array([12.0, 1e9, 30.0])
    assert m.mae(y, f) == pytest.approx(6.0)
    assert math.isnan(m.wape(np.array([np.nan]), np.array([1.0])))
    assert math.isnan(m.rmspe(np.zeros(3), np.ones(3)))
    with pytest.raises(ValueError, match="shape"):
        m.mae(np.ones(3), np.ones(2))


def test_resolve_metric_names_and_losses():
    assert m.resolve_metric("wape").func is m.wape
    cov = m.resolve_metric("coverage_95")
    assert cov.level == 95 and cov.loss(0.90) == pytest.approx(0.05)
    assert m.resolve_metric("bias").loss(-7.0) == 7.0
    intervals = {"lo-95": np.array([0.0]), "hi-95": np.array([5.0])}
    assert cov(np.array([3.0]), np.array([3.0]), intervals=intervals) == 1.0
    with pytest.raises(ValueError, match="unknown metric"):
        m.resolve_metric("accuracy")


def test_custom_metric_by_module_path(monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    spec = m.resolve_metric("max_err", "custom_metrics:max_abs_error")
    assert spec(Y, F) == 10.0
    assert m.resolve_metric("neg", "custom_metrics:max_abs_error", greater_is_better=True).loss(
        3.0) == -3.0
    with pytest.raises(ValueError, match="cannot import"):
        m.resolve_metric("x", "no_such_module_xyz:f")
