"""New series and failing models never fail a run nor change the other series' forecasts."""

import numpy as np
import pandas as pd
import pytest

from forecasting.coldstart import ColdStartProfile, cold_start_forecast, cold_start_profile
from forecasting.engine import run_engine
from forecasting.experiments import load_experiments
from forecasting.forecasts import COLD_START_KEY
from forecasting.models import MODELS
from forecasting.models.base import SCHOOL
from forecasting.models.profile import ProfileModel
from support import FIXTURES
from support.panels import CUTOFF, born_before_target, make_panel


@pytest.fixture(scope="module")
def config():
    return load_experiments(FIXTURES / "engine_fast.toml")


@pytest.fixture(scope="module")
def alone(config):
    return run_engine(make_panel(), CUTOFF, config, workers=1, progress=False)


@pytest.mark.parametrize("history", [10, 25])
def test_a_series_born_days_before_the_target_month_gets_a_cold_start(config, alone, history):
    panel = pd.concat([make_panel(), born_before_target({7: history})], ignore_index=True)
    res = run_engine(panel, CUTOFF, config, workers=1, progress=False)
    others = res.forecasts[res.forecasts["series_id"] <= 6].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, alone.forecasts.reset_index(drop=True))
    pd.testing.assert_frame_equal(res.selection[res.selection["series_id"] <= 6], alone.selection)
    new = res.forecasts[res.forecasts["series_id"] == 7]
    assert len(new) == 30 and (new["model_key"] == COLD_START_KEY).all()
    assert np.isfinite(new["mean"]).all() and (new["mean"] >= 0).all()
    open_days = panel.loc[(panel["series_id"] == 7) & (panel["ds"] >= "2014-06-01"), "is_open"]
    assert ((new["mean"].to_numpy() > 0) == (open_days.to_numpy() > 0)).all()
    # Its level is its own: within 25 % of its actual mean on open days.
    seen = panel[(panel["series_id"] == 7) & (panel["is_open"] > 0) & panel["y"].notna()]
    assert new.loc[new["mean"] > 0, "mean"].mean() == pytest.approx(seen["y"].mean(), rel=0.25)
    assert res.flags.to_dict("records") == [{
        "series_id": 7, "flag": "cold_start", "reason": res.selection.set_index(
            "series_id").at[7, "reason"]}]
    assert f"{history} day(s) of actuals" in res.flags.at[0, "reason"]
    assert res.models[COLD_START_KEY]["name"] == "cold_start"
    assert any("cold-start" in w for w in res.warnings)


def test_a_series_born_inside_the_folds_is_evaluated_on_the_folds_it_has(config):
    panel = pd.concat([make_panel(), born_before_target({7: 75})], ignore_index=True)
    res = run_engine(panel, CUTOFF, config, workers=1, progress=False, keep_candidates=True)
    # Born 2014-03-18: fold 0 (March) is partial and dropped; April and May are evaluated.
    assert set(res.backtest.loc[res.backtest["series_id"] == 7, "fold"]) == {1, 2}
    assert set(res.fold_forecasts.loc[res.fold_forecasts["series_id"] == 7, "fold"]) == {1, 2}
    assert res.flags.empty and np.isfinite(res.forecasts["mean"]).all()


class _Fragile(ProfileModel):
    """A profile that raises on the series marked by school_holiday, in the final fit only."""

    def fit(self, y, X=None):  # type: ignore[no-untyped-def]
        if X is not None and X[:, SCHOOL].mean() > 0.5 and len(y) > 500:
            raise FloatingPointError("singular matrix")
        return super().fit(y, X)


def _fragile_run(tmp_path, monkeypatch, cls):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(MODELS, "fragile", cls)
    (tmp_path / "f.toml").write_text(
        'seed = 1\n[backtest]\nfolds = 2\nwarmup_folds = 0\n[metrics]\ncompute = ["wape"]\n'
        '[selection]\nprimary = "wape"\nlevel = "series"\nfallback = "seasonal_naive"\n'
        '[[experiment]]\nname = "seasonal_naive"\nmodel = "seasonal_naive"\n'
        '[[experiment]]\nname = "fragile"\nmodel = "fragile"\nparams = { window = 91 }\n')
    panel = make_panel()
    panel.loc[panel["series_id"] == 4, "school_holiday"] = 1
    return run_engine(panel, CUTOFF, load_experiments(tmp_path / "f.toml"), workers=1,
                      progress=False)


def test_a_model_that_raises_for_one_series_leaves_the_others_intact(tmp_path, monkeypatch):
    control = _fragile_run(tmp_path, monkeypatch, ProfileModel)
    res = _fragile_run(tmp_path, monkeypatch, _Fragile)
    f, c = res.forecasts.set_index("series_id"), control.forecasts.set_index("series_id")
    pd.testing.assert_frame_equal(f.drop(index=4), c.drop(index=4))
    fragile = next(k for k, m in res.models.items() if m["name"] == "fragile")
    naive = next(k for k, m in res.models.items() if m["name"] == "seasonal_naive")
    assert (c.loc[4, "model_key"] == fragile).all()  # chosen on its folds
    assert (f.loc[4, "model_key"] == naive).all() and np.isfinite(f.loc[4, "mean"]).all()
    flags = res.flags.set_index("flag")
    assert list(res.flags["series_id"]) == [4, 4]
    assert "FloatingPointError: singular matrix" in flags.at["model_error", "reason"]
    assert "selected fragile has no forecast" in flags.at["fallback", "reason"]
    assert any("fell back" in w for w in res.warnings)


def test_cold_start_by_hand():
    profile = ColdStartProfile(np.array([1.2, 1.0, 1.0, 1.0, 1.0, 1.3, 0.5]), 50.0)
    y = np.array([np.nan, 120.0, 100.0, 0.0])  # Sunday's 0 is a closed day
    dow, is_open = np.array([6, 0, 1, 6]), np.array([1, 1, 1, 0])
    mean, how = cold_start_forecast(y, dow, is_open, np.array([0, 5, 6]), np.array([1, 1, 0]),
                                    profile)
    np.testing.assert_allclose(mean, [120.0, 130.0, 0.0])  # level (100 + 100) / 2 = 100
    assert "2 open day(s)" in how
    mean, how = cold_start_forecast(np.array([]), np.array([], int), np.array([]),
                                    np.array([1]), np.array([1]), profile)
    np.testing.assert_allclose(mean, [50.0])
    assert "median level" in how


def test_cold_start_profile_from_established_series_only():
    days = pd.date_range("2014-01-06", periods=91, freq="D")  # starts on a Monday
    weekly = np.tile([2.0, 1, 1, 1, 1, 1, 0], 13)
    frame = pd.DataFrame({"series_id": np.repeat([1, 2, 3], 91), "ds": np.tile(days, 3),
                          "y": np.r_[100 * weekly, 300 * weekly, np.full(91, np.nan)],
                          "is_open": np.tile((weekly > 0).astype(int), 3)})
    new = (frame["series_id"] == 3) & (frame["ds"] > days[-6])
    frame.loc[new, "y"] = 7.0  # a new series: too few days to count
    profile = cold_start_profile(frame, days[-1])
    expected = np.array([2.0, 1, 1, 1, 1, 1]) / (7 / 6)  # Monday twice a normal day
    np.testing.assert_allclose(profile.weekday[:6] / profile.weekday[:6].mean(),
                               expected / expected.mean())
    assert profile.median_level == pytest.approx(200 * 7 / 6)
