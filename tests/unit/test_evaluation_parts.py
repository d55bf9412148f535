"""The evaluation's parts, each on hand-made arrays: ranking, combinations, intervals, scoring,
periods, and one series' evaluation walking the periods in order."""

import datetime as dt

import numpy as np
import pytest

from forecasting.backtest import rolling_origin_folds
from forecasting.combinations import combination_output, combination_pool
from forecasting.experiments import Candidate
from forecasting.fitting import day_number, periods_for
from forecasting.intervals import fold_residuals, with_intervals
from forecasting.metrics import resolve_metric
from forecasting.models.combination import Combination
from forecasting.ranking import member_scores
from forecasting.scoring import fold_metrics


def cand(name: str, model: str = "profile") -> Candidate:
    return Candidate(key=f"k_{name}", experiment=name, model=model, params={}, label=name)


def test_member_scores_average_finite_earlier_losses():
    scores = member_scores({"a": [0.2, 0.4], "b": [np.nan, 0.1], "c": []}, ["a", "b", "c", "d"])
    np.testing.assert_allclose(scores[:2], [0.3, 0.1])
    assert np.isnan(scores[2]) and np.isnan(scores[3])


def test_combination_pool_fixed_members_need_all_best_k_takes_what_exists():
    base = [cand("naive"), cand("profile"), cand("lgbm")]
    fixed = Combination(members=["naive", "lgbm"])
    assert [c.experiment for c in combination_pool(fixed, base, {"k_naive", "k_lgbm"})] == \
        ["naive", "lgbm"]
    assert combination_pool(fixed, base, {"k_naive"}) is None
    best = Combination(k=2)
    assert [c.experiment for c in combination_pool(best, base, {"k_lgbm", "k_naive"})] == \
        ["naive", "lgbm"]
    assert combination_pool(best, base, set()) is None


def test_combination_output_mixes_the_best_and_their_intervals():
    members = [{"mean": np.array([10.0, 20.0]), "lo-80": np.array([8.0, 18.0]),
                "hi-80": np.array([12.0, 22.0])},
               {"mean": np.array([30.0, 40.0]), "lo-80": np.array([20.0, 30.0]),
                "hi-80": np.array([35.0, 45.0])},
               {"mean": np.array([0.0, 0.0])}]
    out = combination_output(Combination(k=2), members, np.array([0.5, 0.1, 0.9]), [80])
    np.testing.assert_allclose(out["mean"], [20.0, 30.0])
    np.testing.assert_allclose(out["lo-80"], [14.0, 24.0])
    np.testing.assert_allclose(out["hi-80"], [23.5, 33.5])
    # A member without intervals among the chosen: no interval rather than a made-up one.
    out = combination_output(Combination(k=2), members, np.array([0.5, 0.9, 0.1]), [80])
    np.testing.assert_allclose(out["mean"], [5.0, 10.0])
    assert "lo-80" not in out
    weighted = combination_output(Combination(members=["a", "b"], weights=[1.0, 3.0]),
                                  members[:2], np.array([np.nan, np.nan]), [])
    np.testing.assert_allclose(weighted["mean"], [25.0, 35.0])


def test_intervals_native_kept_conformal_from_residuals():
    out = {"mean": np.array([100.0, 100.0, 100.0]), "lo-80": np.array([1.0, 1, 1]),
           "hi-80": np.array([2.0, 2, 2])}
    closed = np.array([False, True, False])
    assert with_intervals(out, True, [np.arange(10.0)], closed, [80]) is out
    res = [np.array([-10.0, -5, 0, 5, 10]), np.array([-20.0, 20])]
    got = with_intervals({"mean": out["mean"]}, False, res, closed, [80])
    # 7 residuals sorted -20..20; ranks floor(8 * 0.1) = 0 -> 1 and ceil(8 * 0.9) = 8 -> 7.
    np.testing.assert_allclose(got["lo-80"], [80.0, 0.0, 80.0])
    np.testing.assert_allclose(got["hi-80"], [120.0, 0.0, 120.0])
    np.testing.assert_allclose(got["mean"], [100.0, 0.0, 100.0])
    few = with_intervals({"mean": out["mean"]}, False, [np.array([1.0])], closed, [80])
    assert np.isnan(few["lo-80"][0])


def test_fold_residuals_on_open_days_with_actuals():
    got = fold_residuals(np.array([10.0, np.nan, 0.0, 7.0]), {"mean": np.array([8.0, 5, 0, 9])},
                         np.array([1, 1, 0, 1]))
    np.testing.assert_allclose(got, [2.0, -2.0])


def test_fold_metrics_count_open_days_only():
    metrics = {n: resolve_metric(n) for n in ("wape", "mae", "coverage_80")}
    y = np.array([100.0, 0.0, 50.0])
    out = {"mean": np.array([90.0, 0.0, 60.0]), "lo-80": np.array([80.0, 0, 55]),
           "hi-80": np.array([110.0, 0, 70])}
    got = fold_metrics(y, out, np.array([False, True, False]), np.array([]), metrics)
    assert got == pytest.approx({"wape": 20 / 150, "mae": 10.0, "coverage_80": 0.5})


def test_periods_are_the_folds_then_the_target_month():
    cutoff = dt.date(2014, 5, 31)
    folds = list(rolling_origin_folds(cutoff, 2, warmup_folds=1))
    periods = periods_for(folds, cutoff, None)
    assert [p.number for p in periods] == [0, 1, 2, 3]
    assert periods[-1].start == day_number(dt.date(2014, 6, 1))
    assert periods[-1].end == day_number(dt.date(2014, 6, 30))
    assert periods[0].cutoff == day_number(dt.date(2014, 2, 28))
    capped = periods_for(folds, cutoff, 100)
    assert capped[-1].train_start == day_number(cutoff) - 99
