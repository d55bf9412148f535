"""The engine end to end on a few generated series (fast experiments file)."""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.engine import run_engine
from forecasting.experiments import config_from_dict, config_to_dict, load_experiments
from support import FIXTURES
from support.panels import CUTOFF, make_panel


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return make_panel()


@pytest.fixture(scope="module")
def config():
    return load_experiments(FIXTURES / "engine_fast.toml")


@pytest.fixture(scope="module")
def result(panel, config):
    return run_engine(panel, CUTOFF, config, workers=1, progress=False, keep_candidates=True)


def test_result_follows_the_contract(result, config, panel):
    f = result.forecasts
    assert list(f.columns) == ["series_id", "ds", "model_key", "mean", "lo_80", "hi_80",
                               "lo_95", "hi_95"]
    assert len(f) == 6 * 30 and f["ds"].min() == pd.Timestamp("2014-06-01")
    assert set(f["model_key"]) <= set(result.models)
    assert (f[["mean", "lo_80", "hi_80", "lo_95", "hi_95"]] >= 0).all().all()
    assert (f["lo_95"] <= f["lo_80"]).all() and (f["lo_80"] <= f["mean"] + 1e-9).all()
    closed = panel.loc[panel["ds"] >= "2014-06-01", "is_open"].to_numpy() == 0
    assert (f.loc[closed, ["mean", "lo_95", "hi_95"]] == 0).all().all()
    assert list(result.backtest.columns) == ["series_id", "model_key", "fold", "metric", "value"]
    assert set(result.backtest["fold"]) == {0, 1, 2}  # warm-up fold 0 + 2 evaluation folds
    assert set(result.backtest["metric"]) == set(config.metrics)
    combos = result.backtest[result.backtest["model_key"] == config.candidates[-1].key]
    assert set(combos["fold"]) == {1, 2}  # ranked on earlier folds only
    assert list(result.selection.columns) == ["series_id", "model_key", "score", "reason"]
    assert result.selection["series_id"].tolist() == list(range(1, 7))
    for info in result.models.values():
        assert {"name", "params", "library_versions"} <= set(info)
    assert result.models[config.candidates[4].key]["library_versions"]["lightgbm"]
    assert result.timings["total"] > 0 and "candidate:lgbm" in result.timings


def test_selection_avoids_the_known_worst_model(result, config):
    naive = config.candidates[0].key
    assert naive not in set(result.selection["model_key"])
    # The selected model is the one with the lowest mean WAPE over folds 1..2 (bias <= 50).
    bt = result.backtest[(result.backtest["fold"] >= 1) & (result.backtest["metric"] == "wape")]
    best = bt.groupby(["series_id", "model_key"])["value"].mean().groupby("series_id").idxmin()
    assert [b[1] for b in best] == result.selection["model_key"].tolist()


def test_shards_union_equals_unsharded_and_parallel_equals_serial(panel, config, result):
    shards = [run_engine(panel, CUTOFF, config, shard=(i, 2), workers=2, progress=False)
              for i in (1, 2)]
    for name in ("forecasts", "selection", "backtest"):
        union = pd.concat([getattr(s, name) for s in shards], ignore_index=True)
        union = union.sort_values(list(union.columns[:3]), kind="stable").reset_index(drop=True)
        full = getattr(result, name).sort_values(list(union.columns[:3]), kind="stable")
        pd.testing.assert_frame_equal(union, full.reset_index(drop=True))
    assert set(shards[0].selection["series_id"]) == {2, 4, 6}


def test_no_fold_sees_data_after_its_cutoff(panel, config, result):
    fold1_cutoff = pd.Timestamp("2014-03-31")  # fold 1 tests April 2014
    changed = panel.copy()
    after = (changed["ds"] > fold1_cutoff) & changed["y"].notna()
    changed.loc[after, "y"] = np.random.default_rng(9).uniform(0, 1e5, after.sum())
    other = run_engine(changed, CUTOFF, config, workers=1, progress=False, keep_candidates=True)
    key = ["series_id", "model_key", "fold", "ds"]
    before = result.fold_forecasts[result.fold_forecasts["fold"] <= 1].sort_values(key)
    again = other.fold_forecasts[other.fold_forecasts["fold"] <= 1].sort_values(key)
    means = ["mean"]
    pd.testing.assert_frame_equal(before[key + means].reset_index(drop=True),
                                  again[key + means].reset_index(drop=True))
    assert set(before["model_key"]) == set(result.models)  # every candidate, LightGBM too
    later = result.fold_forecasts[result.fold_forecasts["fold"] == 2]["mean"].to_numpy()
    assert not np.allclose(later, other.fold_forecasts.query("fold == 2")["mean"].to_numpy())


def test_custom_metric_from_experiments_file(panel):
    config = load_experiments(FIXTURES / "engine_custom_metric.toml")
    res = run_engine(panel, CUTOFF, config, workers=1, progress=False)
    bt = res.backtest[res.backtest["metric"] == "max_abs_error"]
    assert len(bt) == 6 * 2 * 2  # series x candidates x folds
    means = bt.groupby(["series_id", "model_key"])["value"].mean()
    for _, row in res.selection.iterrows():
        assert row["score"] == pytest.approx(means[row["series_id"]].min())
        assert row["model_key"] == means[row["series_id"]].idxmin()


def test_group_level_selection(panel, tmp_path):
    text = (FIXTURES / "engine_custom_metric.toml").read_text().replace(
        'level = "series"', 'level = "group"\ngroup_by = "store_type"').replace(
        "custom_metrics.py", str(FIXTURES / "custom_metrics.py"))
    (tmp_path / "group.toml").write_text(text)
    res = run_engine(panel, CUTOFF, load_experiments(tmp_path / "group.toml"), workers=1,
                     progress=False)
    picks = res.selection.assign(store_type=lambda d: np.where(d["series_id"] % 2, "a", "b"))
    assert (picks.groupby("store_type")["model_key"].nunique() == 1).all()


def test_config_round_trip(config):
    record = json.loads(json.dumps(config_to_dict(config)))
    again = config_from_dict(record)
    assert [c.key for c in again.candidates] == [c.key for c in config.candidates]
    assert len({c.key for c in config.candidates}) == len(config.candidates) == 6


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="promo"), "missing column"),
    (lambda f: f.drop(index=5), "gaps"),
    (lambda f: f[f["ds"] < "2014-06-15"], "end before"),
])
def test_bad_frames_are_rejected(panel, config, change, message):
    with pytest.raises(ValueError, match=message):
        run_engine(change(panel), CUTOFF, config, workers=1, progress=False)
    with pytest.raises(ValueError, match="not the last day"):
        run_engine(panel, dt.date(2014, 5, 30), config, workers=1, progress=False)
    with pytest.raises(ValueError, match="shard"):
        run_engine(panel, CUTOFF, config, shard=(3, 2), progress=False)


@pytest.mark.parametrize("edit, key", [
    (("model = \"profile\"", "model = \"prophett\""), "model"),
    (("params = { window = 91 }", "params = { windw = 91 }"), "params.windw"),
    (("compute = [\"wape\", \"bias\"]", "compute = [\"wape\", \"bias\", \"acc\"]"), "metrics"),
    (("level = \"series\"", "level = \"series\"\nconstraints = [\"abs(rmse) < 1\"]"),
     "selection.constraints"),
    (("fallback = \"seasonal_naive\"", "fallback = \"nope\""), "selection.fallback"),
    (("folds = 2", "folds = 0"), "backtest.folds"),
    (("seed = 3", "seed = 3\ncolour = 1"), "colour"),
])
def test_invalid_experiments_name_file_and_key(tmp_path, edit, key):
    text = (FIXTURES / "engine_custom_metric.toml").read_text().replace(*edit)
    path = tmp_path / "bad.toml"
    path.write_text(text.replace("custom_metrics.py", str(FIXTURES / "custom_metrics.py")))
    with pytest.raises(ValueError) as err:
        load_experiments(path)
    assert str(path) in str(err.value) and key in str(err.value)


@pytest.mark.parametrize("path", [None, Path(__file__).parents[2] / "planfact/demo/experiments.toml"])
def test_default_and_demo_experiments_load(path):
    config = load_experiments(path)
    models = {c.model for c in config.candidates}
    assert {"seasonal_naive", "weekday_mean", "profile", "aggregate_level", "stack"} <= models
    # Yearly season via statsmodels and Prophet; no weights set by hand.
    methods = {c.params.get("method") for c in config.candidates if c.model == "aggregate_level"}
    assert {"yoy", "ets", "prophet"} <= methods
    assert not any(c.params.get("weights") for c in config.candidates)
    # A noise guard: the stack margin (demo), or champion-challenger with the LightGBM (default).
    assert config.selection.combination_margin > 0 or config.selection.challenger_margin > 0
    if path is None:
        lgbm = next(c.key for c in config.candidates if c.model == "lgbm_global")
        assert config.selection.incumbent == lgbm and config.selection.challenger_margin > 0


def test_fixed_combination_is_the_weighted_mean_of_its_members(panel, tmp_path):
    text = (FIXTURES / "engine_custom_metric.toml").read_text().replace(
        "custom_metrics.py", str(FIXTURES / "custom_metrics.py"))
    text += ('\n[[experiment]]\nname = "mix"\nmodel = "combination"\n'
             'params = { members = ["seasonal_naive", "profile"], weights = [1.0, 3.0] }\n')
    (tmp_path / "mix.toml").write_text(text)
    config = load_experiments(tmp_path / "mix.toml")
    res = run_engine(panel, CUTOFF, config, workers=1, progress=False, keep_candidates=True)
    naive, profile, mix = (c.key for c in config.candidates)
    ff = res.fold_forecasts.set_index(["model_key", "series_id", "fold", "ds"])["mean"]
    expected = 0.25 * ff.loc[naive] + 0.75 * ff.loc[profile]
    pd.testing.assert_series_equal(ff.loc[mix], expected, check_names=False)
    assert {1, 2} <= set(res.backtest.loc[res.backtest["model_key"] == mix, "fold"])
    bad = text.replace('["seasonal_naive", "profile"]', '["seasonal_naive", "nope"]')
    (tmp_path / "bad.toml").write_text(bad)
    with pytest.raises(ValueError, match="members"):
        load_experiments(tmp_path / "bad.toml")


def test_stack_mixes_members_with_weights_learned_on_earlier_folds(panel, tmp_path):
    text = (FIXTURES / "engine_custom_metric.toml").read_text().replace(
        "custom_metrics.py", str(FIXTURES / "custom_metrics.py"))
    text += ('\n[[experiment]]\nname = "stack"\nmodel = "stack"\n'
             'params = { members = ["seasonal_naive", "profile"] }\n')
    (tmp_path / "stack.toml").write_text(text)
    config = load_experiments(tmp_path / "stack.toml")
    res = run_engine(panel, CUTOFF, config, workers=1, progress=False, keep_candidates=True)
    naive, profile, stack = (c.key for c in config.candidates)
    weights = res.models[stack]["weights"]
    assert set(weights) == {"2", "3"}  # fold 1 has no earlier fold to learn from
    ff = res.fold_forecasts.set_index(["model_key", "series_id", "fold", "ds"])["mean"]
    for fold in (2,):
        w = weights[str(fold)]
        expected = w["seasonal_naive"] * ff.loc[naive].xs(fold, level="fold") + \
            w["profile"] * ff.loc[profile].xs(fold, level="fold")
        pd.testing.assert_series_equal(ff.loc[stack].xs(fold, level="fold"), expected,
                                       check_names=False)
    assert set(res.backtest.loc[res.backtest["model_key"] == stack, "fold"]) == {2}
    picked = res.selection[res.selection["model_key"] == stack]
    assert picked["reason"].str.contains("stack weights: seasonal_naive").all()
