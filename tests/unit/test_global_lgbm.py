"""The global LightGBM's shared feature table: one pass for every period, exactly equal fits."""

import numpy as np
import pandas as pd

from forecasting.models.global_lgbm import GlobalLGBM
from support.panels import make_panel

PARAMS = {"n_estimators": 40, "num_leaves": 7, "min_child_samples": 5, "num_threads": 1}


def test_a_fit_on_the_shared_table_equals_a_fit_on_its_own_pass():
    panel = make_panel()
    frame = panel.sort_values(["series_id", "ds"]).reset_index(drop=True)
    last = pd.Timestamp("2014-05-31")
    frame.loc[frame["ds"] > last, "y"] = np.nan  # as the engine hands it over
    cutoffs = [pd.Timestamp("2014-03-31"), pd.Timestamp("2014-04-30"), last]
    ends = [pd.Timestamp("2014-04-30"), pd.Timestamp("2014-05-31"), pd.Timestamp("2014-06-30")]
    shared = GlobalLGBM(**PARAMS).shared_features(frame, cutoffs, ends)
    assert shared is not None
    for cutoff, end in zip(cutoffs, ends, strict=True):
        start = cutoff + pd.Timedelta(days=1)
        # Its own pass masks every actual after its cutoff, as the engine did before.
        own = frame.copy()
        own.loc[own["ds"] > cutoff, "y"] = np.nan
        alone = GlobalLGBM(**PARAMS).fit_frame(own, cutoff).predict_frame(start, end)
        together = GlobalLGBM(**PARAMS).fit_frame(frame, cutoff, features=shared).predict_frame(
            start, end)
        pd.testing.assert_frame_equal(alone.reset_index(drop=True),
                                      together.reset_index(drop=True))


def test_no_shared_table_for_a_period_longer_than_the_minimum_lag():
    # A 5-week fiscal period: days beyond cutoff + min_lag would see actuals its own pass hides.
    frame = make_panel()
    cut = pd.Timestamp("2014-03-31")
    assert GlobalLGBM(**PARAMS).shared_features(frame, [cut], [cut + pd.Timedelta(days=35)]) is None
    assert GlobalLGBM(**PARAMS).shared_features(frame, [cut], [cut + pd.Timedelta(days=31)]) \
        is not None


def test_a_failed_period_is_a_warning_and_threads_change_nothing(monkeypatch):
    from forecasting.engine import run_engine
    from forecasting.experiments import load_experiments
    from support import FIXTURES
    from support.panels import CUTOFF

    config = load_experiments(FIXTURES / "engine_fast.toml")
    panel = make_panel()
    fit = GlobalLGBM.fit_frame

    def failing(self, frame, cutoff, features=None):  # type: ignore[no-untyped-def]
        if cutoff == pd.Timestamp("2014-03-31"):  # fold 1's cutoff
            raise RuntimeError("no memory")
        return fit(self, frame, cutoff, features)

    monkeypatch.setattr(GlobalLGBM, "fit_frame", failing)
    runs = [run_engine(panel, CUTOFF, config, workers=w, progress=False) for w in (1, 2)]
    for res in runs:
        assert any(w.startswith("global model lgbm failed on period 1: RuntimeError: no memory")
                   for w in res.warnings), res.warnings
        lgbm = next(c.key for c in config.candidates if c.model == "lgbm_global")
        folds = set(res.backtest.loc[res.backtest["model_key"] == lgbm, "fold"])
        assert 1 not in folds and {0, 2} <= folds
    pd.testing.assert_frame_equal(runs[0].forecasts, runs[1].forecasts)
    pd.testing.assert_frame_equal(runs[0].backtest, runs[1].backtest)
