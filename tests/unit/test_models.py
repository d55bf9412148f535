"""Each candidate on generated series with a known weekly pattern, promo lift and closures."""

import numpy as np
import pytest

from forecasting.models import MODELS, Forecaster
from forecasting.models.combination import combine
from forecasting.models.conformal import conformal_intervals

PATTERN = np.array([1.2, 1.0, 0.9, 0.95, 1.1, 1.4, 0.0])  # Mon..Sun; closed on Sundays
START_T = 16071  # 2014-01-01, a Wednesday


def make_series(n: int, h: int, seed: int = 0, noise: float = 5.0, promo: bool = True):
    """y (n + h,) and X (n + h, 5): level 100 x weekday x (1.3 on promo), N(0, noise)."""
    rng = np.random.default_rng(seed)
    t = START_T + np.arange(n + h)
    dow = (t + 3) % 7
    # Promo every other week, Mon-Fri, like Rossmann.
    promo = ((t // 7) % 2 == 0) & (dow < 5) & promo
    is_open = PATTERN[dow] > 0
    y = 100 * PATTERN[dow] * np.where(promo, 1.3, 1.0) + rng.normal(0, noise, n + h)
    y = np.where(is_open, np.clip(y, 0, None), 0.0)
    X = np.column_stack([t, promo, is_open, np.zeros(n + h), np.zeros(n + h)]).astype(float)
    return y, X


FAST = {
    "seasonal_naive": {},
    "weekday_mean": {"k": 4},
    "profile": {"window": 91},
    "ets": {"window": 182},
    "theta": {"window": 182},
    "lgbm_global": {"n_estimators": 60, "num_leaves": 7, "min_child_samples": 5, "num_threads": 1},
}
SLOW = {"sarimax": {"window": 182}, "prophet": {"window": 400, "yearly": False}}


def _mae(y, f, mask):
    return float(np.mean(np.abs(y[mask] - f[mask])))


@pytest.mark.parametrize("name", list(FAST) + [pytest.param(n, marks=pytest.mark.slow) for n in SLOW])
def test_model_recovers_weekly_pattern_better_than_flat(name):
    params = {**FAST, **SLOW}[name]
    n, h = 420, 28
    # Weekly baselines cannot know promotions: they get the pattern without promo weeks.
    y, X = make_series(n, h, seed=1, promo=name not in ("seasonal_naive", "weekday_mean"))
    model = MODELS[name](**params)
    assert isinstance(model, Forecaster)
    out = model.fit(y[:n], X[:n]).predict(h, X[n:])
    assert set(out) == {"mean", "lo-80", "hi-80", "lo-95", "hi-95"}
    assert all(v.shape == (h,) for v in out.values())
    is_open = X[n:, 2] > 0
    flat = np.full(h, y[:n][X[:n, 2] > 0][-28:].mean())
    assert _mae(y[n:], out["mean"], is_open) < 0.6 * _mae(y[n:], flat, is_open)
    # Closed days are known: exactly 0 with 0-width intervals; nothing negative.
    for values in out.values():
        assert np.all(values[~is_open] == 0) and np.all(np.nan_to_num(values) >= 0)


def test_models_work_without_exogenous():
    y = 50 + 10 * np.tile([1, 2, 3, 4, 5, 6, 7], 30).astype(float)
    for name in ("seasonal_naive", "weekday_mean", "profile"):
        out = MODELS[name]().fit(y).predict(14)
        assert np.allclose(out["mean"], y[-14:], rtol=0.05), name


@pytest.mark.parametrize("name", ["profile", "weekday_mean", "ets"])
def test_intervals_cover_about_their_nominal_share(name):
    hits = {80: [], 95: []}
    for seed in range(8):
        y, X = make_series(364, 28, seed=seed, noise=8.0)
        out = MODELS[name](**FAST[name]).fit(y[:364], X[:364]).predict(28, X[364:])
        is_open = X[364:, 2] > 0
        for level in hits:
            inside = (y[364:] >= out[f"lo-{level}"]) & (y[364:] <= out[f"hi-{level}"])
            hits[level].append(inside[is_open])
    assert np.mean(np.concatenate(hits[80])) == pytest.approx(0.80, abs=0.08)
    assert np.mean(np.concatenate(hits[95])) == pytest.approx(0.95, abs=0.05)


def test_conformal_intervals_quantiles_and_too_few_residuals():
    residuals = np.arange(-50.0, 50.0)  # 100 residuals, uniform
    out = conformal_intervals(np.zeros(3), residuals, (80,))
    assert out["lo-80"][0] == pytest.approx(-40.0, abs=1.5)
    assert out["hi-80"][0] == pytest.approx(40.0, abs=1.5)
    assert np.isnan(conformal_intervals(np.zeros(3), np.ones(2), (80,))["lo-80"]).all()


def test_profile_recovers_factors():
    y, X = make_series(364, 0, seed=3, noise=0.5)
    model = MODELS["profile"](window=182, promo_by_weekday=False).fit(y, X)
    promo_factor = np.exp(model.coef_[7])
    assert promo_factor == pytest.approx(1.3, rel=0.02)
    saturday = np.exp(model.coef_[5])  # relative to Monday
    assert saturday == pytest.approx(1.4 / 1.2, rel=0.02)


def test_combination_takes_the_k_best():
    means = np.array([[1.0, 1.0], [3.0, 3.0], [5.0, 5.0]])
    mean, members = combine(means, np.array([0.3, 0.1, np.nan]), k=2)
    assert list(members) == [1, 0] and np.allclose(mean, 2.0)
    mean, _ = combine(means, np.array([0.1, 0.3, 0.2]), k=2, weighting="inverse")
    assert np.allclose(mean, (1.0 / 0.1 * 1 + 1 / 0.2 * 5) / (1 / 0.1 + 1 / 0.2))


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match="k must be"):
        MODELS["weekday_mean"](k=0)
    with pytest.raises(ValueError, match="min_lag"):
        MODELS["lgbm_global"](min_lag=7)
    with pytest.raises(ValueError, match="shape"):
        MODELS["profile"]().fit(np.ones(30), np.ones((30, 3)))
