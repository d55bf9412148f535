"""Zero and negative actuals (net sales with returns): metrics by hand, models without a log
of a negative, and the run saying how many days the percentage metrics skipped."""

import dataclasses
import math
import warnings

import numpy as np
import pytest

import forecasting.metrics as m
from forecasting.engine import run_engine
from forecasting.experiments import load_experiments
from forecasting.models import MODELS
from forecasting.models.base import EXOG
from support import FIXTURES
from support.panels import CUTOFF, make_panel

Y = np.array([100.0, -20.0, 0.0, 50.0])
F = np.array([90.0, 10.0, 5.0, 60.0])


def test_wape_divides_by_the_sum_of_absolute_actuals():
    assert m.wape(Y, F) == pytest.approx((10 + 30 + 5 + 10) / (100 + 20 + 0 + 50))


def test_bias_divides_by_volume():
    assert m.bias(Y, F) == pytest.approx(100 * (165 - 130) / 170)


def test_rmspe_and_mape_skip_non_positive_actuals_and_count_them():
    assert m.rmspe(Y, F) == pytest.approx(math.sqrt((0.1**2 + 0.2**2) / 2))
    assert m.mape(Y, F) == pytest.approx(100 * (0.1 + 0.2) / 2)
    assert m.skipped_actuals(Y) == 2
    assert m.skipped_actuals(np.array([np.nan, 1.0])) == 0
    assert math.isnan(m.rmspe(np.array([-5.0, 0.0]), np.array([1.0, 1.0])))


def _series_with_returns():
    rng = np.random.default_rng(3)
    n = 400
    t = np.arange(16000, 16000 + n, dtype=float)
    y = 100 + 20 * np.sin(t / 7) + rng.normal(0, 5, n)
    y[::17] = -30.0  # a day of returns now and then
    y[5::23] = 0.0
    X = np.zeros((n + 30, len(EXOG)))
    X[:, 0] = np.arange(16000, 16000 + n + 30)
    X[:, 2] = 1.0
    return y, X


@pytest.mark.parametrize("name", ["seasonal_naive", "weekday_mean", "profile", "ets", "theta",
                                  "sarimax"])
def test_models_cope_with_negative_actuals(name):
    y, X = _series_with_returns()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*(log|invalid value).*", category=RuntimeWarning)
        model = MODELS[name]().fit(y, X[:400])
        out = model.predict(30, X[400:], levels=[80])
    assert np.isfinite(out["mean"]).all() and (out["mean"] >= 0).all()
    assert out["mean"].mean() == pytest.approx(95, rel=0.5)


def test_global_model_and_the_run_cope_with_returns():
    panel = make_panel()
    returns = (panel["series_id"] == 2) & (panel["ds"].dt.day == 15) & (panel["ds"] <= str(CUTOFF))
    panel.loc[returns, "y"] = -250.0
    panel.loc[returns, "is_open"] = 1
    config = load_experiments(FIXTURES / "engine_fast.toml")
    config = dataclasses.replace(config, metrics={**config.metrics, "mape": m.resolve_metric("mape")})
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*(log|invalid value).*", category=RuntimeWarning)
        res = run_engine(panel, CUTOFF, config, workers=1, progress=False)
    assert np.isfinite(res.forecasts["mean"]).all() and (res.forecasts["mean"] >= 0).all()
    assert res.flags.empty
    # Series 2's 15th of April and of May (folds 1 and 2) are skipped; March is the warm-up.
    assert "rmspe, mape skipped 2 open day(s)" in " ".join(res.warnings)
    bt = res.backtest.set_index(["series_id", "model_key", "fold", "metric"])["value"]
    assert bt.notna().groupby(level="metric").all()[["wape", "rmspe", "mape", "bias"]].all()


def test_a_series_of_returns_planned_zero_is_named_in_a_warning():
    panel = make_panel()
    history = (panel["series_id"] == 3) & (panel["ds"] <= str(CUTOFF))
    panel.loc[history, "y"] = -40.0  # net returns every day: the plan can only be 0
    config = load_experiments(FIXTURES / "engine_fast.toml")
    res = run_engine(panel, CUTOFF, config, workers=1, progress=False)
    planned = res.forecasts.groupby("series_id")["mean"].max()
    assert planned[3] <= 0 and (planned.drop(3) > 0).all()
    said = [w for w in res.warnings if "planned 0 for every day" in w]
    assert said == ["1 series sold in the 28 days up to the cutoff but are planned 0 for every day "
                    "(net returns outweigh sales): series [3]"]


def test_a_series_known_closed_for_the_whole_month_is_not_called_returns():
    panel = make_panel()
    closed = (panel["series_id"] == 3) & (panel["ds"] > str(CUTOFF))
    panel.loc[closed, "is_open"] = 0  # a refit: planned 0 because it is closed, not for returns
    config = load_experiments(FIXTURES / "engine_fast.toml")
    res = run_engine(panel, CUTOFF, config, workers=1, progress=False)
    assert res.forecasts.groupby("series_id")["mean"].max()[3] == 0
    assert not [w for w in res.warnings if "planned 0 for every day" in w]
