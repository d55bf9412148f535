"""Selection rules on hand-made evidence: primary, weights, constraints, ties, levels, fallback."""

import pandas as pd
import pytest

from forecasting.metrics import resolve_metric
from forecasting.selection import (
    CONSTRAINT_FALLBACK,
    SelectionRule,
    parse_constraint,
    select_models,
)

SPECS = {name: resolve_metric(name) for name in ("wape", "mae", "bias", "coverage_80")}
ORDER = ["naive", "profile", "lgbm"]


def evidence(values: dict[tuple[int, str], dict[str, float]], folds: int = 2) -> pd.DataFrame:
    """Rows (series_id, model_key, fold, metric, value), same value in every fold."""
    rows = [(sid, key, fold, metric, value)
            for (sid, key), metrics in values.items()
            for fold in range(1, folds + 1)
            for metric, value in metrics.items()]
    return pd.DataFrame(rows, columns=["series_id", "model_key", "fold", "metric", "value"])


BASE = {
    (1, "naive"): {"wape": 0.30, "mae": 30, "bias": 1.0, "coverage_80": 0.80},
    (1, "profile"): {"wape": 0.10, "mae": 10, "bias": 2.0, "coverage_80": 0.70},
    (1, "lgbm"): {"wape": 0.08, "mae": 8, "bias": 12.0, "coverage_80": 0.79},
    (2, "naive"): {"wape": 0.20, "mae": 20, "bias": 0.0, "coverage_80": 0.80},
    (2, "profile"): {"wape": 0.25, "mae": 25, "bias": -1.0, "coverage_80": 0.80},
    (2, "lgbm"): {"wape": 0.22, "mae": 22, "bias": 1.0, "coverage_80": 0.80},
}


def test_primary_metric_picks_the_known_best():
    out = select_models(evidence(BASE), SelectionRule("wape", fallback="naive"), SPECS, ORDER)
    assert list(out["series_id"]) == [1, 2]
    assert list(out["model_key"]) == ["lgbm", "naive"]
    assert out.loc[0, "score"] == pytest.approx(0.08)


def test_constraint_excludes_the_biased_model():
    rule = SelectionRule("wape", constraints=("abs(bias) <= 5",), fallback="naive")
    out = select_models(evidence(BASE), rule, SPECS, ORDER)
    assert list(out["model_key"]) == ["profile", "naive"]
    assert "2 of 3" in out.loc[0, "reason"]


def test_when_nothing_qualifies_the_best_on_the_primary_metric_not_the_fixed_fallback():
    rule = SelectionRule("wape", constraints=("wape < 0.01",), fallback="profile")
    out = select_models(evidence(BASE), rule, SPECS, ORDER)
    assert list(out["model_key"]) == ["lgbm", "naive"]
    assert out["reason"].str.startswith(CONSTRAINT_FALLBACK).all()
    assert out["reason"].str.endswith("best on wape").all()


def test_the_named_fallback_only_without_any_score():
    nan = float("nan")
    values = {(1, k): {"wape": nan, "mae": nan, "bias": nan, "coverage_80": nan} for k in ORDER}
    out = select_models(evidence(values), SelectionRule("wape", fallback="profile"), SPECS, ORDER)
    assert out.loc[0, "model_key"] == "profile" and "no candidate had a score" in out.loc[0, "reason"]


# Ten series: eight large and regular, two tiny and intermittent (20 %). Per-series bias of the
# tiny ones is hundreds of % for every candidate; their volume is 0.1 % of the total.
HIJACK = {}
for sid in range(1, 11):
    tiny = sid > 8
    for key, (wape, bias) in {"naive": (0.30, 2.0), "profile": (0.12, -3.0),
                              "lgbm": (0.08, 1.0)}.items():
        HIJACK[(sid, key)] = {"wape": wape * (3 if tiny else 1), "mae": wape * 100,
                              "bias": (600.0 if key == "lgbm" else 250.0) if tiny else bias,
                              "coverage_80": 0.8}
VOLUMES = pd.DataFrame([(sid, fold, 10.0 if sid > 8 else 5000.0) for sid in range(1, 11)
                        for fold in (1, 2)], columns=["series_id", "fold", "volume"])


@pytest.mark.parametrize("aggregate, key, fell_back", [
    ("volume_weighted", "lgbm", False), ("median", "lgbm", False), ("mean", "lgbm", True)])
def test_small_intermittent_series_cannot_hijack_a_global_constraint(aggregate, key, fell_back):
    rule = SelectionRule("wape", constraints=("abs(bias) <= 10",), level="global",
                         fallback="naive", aggregate=aggregate)
    out = select_models(evidence(HIJACK), rule, SPECS, ORDER, volumes=VOLUMES)
    assert set(out["model_key"]) == {key}
    assert out["reason"].str.startswith(CONSTRAINT_FALLBACK).all() == fell_back


def test_volume_weighted_wape_is_the_pooled_wape():
    # Series 1: |e| 10 of 100; series 2: |e| 90 of 300 -> pooled 100 / 400 = 0.25.
    ev = evidence({(1, "naive"): {"wape": 0.10}, (2, "naive"): {"wape": 0.30}}, folds=1)
    vol = pd.DataFrame({"series_id": [1, 2], "fold": [1, 1], "volume": [100.0, 300.0]})
    rule = SelectionRule("wape", level="global", fallback="naive")
    out = select_models(ev, rule, {"wape": SPECS["wape"]}, ["naive"], volumes=vol)
    assert out["score"].tolist() == pytest.approx([0.25, 0.25])
    mean = SelectionRule("wape", level="global", fallback="naive", aggregate="mean")
    out = select_models(ev, mean, {"wape": SPECS["wape"]}, ["naive"], volumes=vol)
    assert out["score"].tolist() == pytest.approx([0.20, 0.20])


def test_weighted_score_is_relative_to_the_best():
    # Series 1: coverage loss |cov - 0.8| favours lgbm (0.01) over profile (0.10).
    rule = SelectionRule("wape", weights={"wape": 0.5, "coverage_80": 0.5}, fallback="naive")
    values = {k: v for k, v in BASE.items() if k[0] == 1}
    values[(1, "naive")] = {**values[(1, "naive")], "coverage_80": 0.5}
    out = select_models(evidence(values), rule, SPECS, ORDER)
    assert out.loc[0, "model_key"] == "lgbm"
    assert out.loc[0, "score"] == pytest.approx(0.5 * 1 + 0.5 * 1)  # best on both


def test_tie_breakers_then_file_order():
    tied = {(1, "naive"): {"wape": 0.1, "mae": 9}, (1, "profile"): {"wape": 0.1, "mae": 7},
            (1, "lgbm"): {"wape": 0.1, "mae": 7}}
    rule = SelectionRule("wape", tie_breakers=("mae",), fallback="naive")
    assert select_models(evidence(tied), rule, SPECS, ORDER).loc[0, "model_key"] == "profile"
    no_tb = SelectionRule("wape", fallback="naive")
    assert select_models(evidence(tied), no_tb, SPECS, ORDER).loc[0, "model_key"] == "naive"


def test_group_and_global_levels():
    groups = pd.Series({1: "a", 2: "a"})
    rule = SelectionRule("wape", level="group", group_by="store_type", fallback="naive")
    out = select_models(evidence(BASE), rule, SPECS, ORDER, groups)
    # Group means: naive 0.25, profile 0.175, lgbm 0.15.
    assert list(out["model_key"]) == ["lgbm", "lgbm"]
    out = select_models(evidence(BASE), SelectionRule("wape", level="global", fallback="naive"),
                        SPECS, ORDER)
    assert list(out["model_key"]) == ["lgbm", "lgbm"]


def test_metric_averaged_over_folds():
    ev = evidence({(1, "naive"): {"wape": 0.1}, (1, "profile"): {"wape": 0.2}})
    ev.loc[(ev["model_key"] == "naive") & (ev["fold"] == 2), "value"] = 0.5  # mean 0.3
    out = select_models(ev, SelectionRule("wape", fallback="naive"), SPECS, ORDER)
    assert out.loc[0, "model_key"] == "profile"


def test_parse_constraint_is_safe_and_exact():
    check = parse_constraint("abs(bias) <= 5 and wape < 0.2", ["bias", "wape"])
    assert check({"bias": -4.0, "wape": 0.1}) and not check({"bias": -6.0, "wape": 0.1})
    assert not check({"bias": float("nan"), "wape": 0.1})
    assert parse_constraint("0.7 <= coverage_80 <= 0.9", ["coverage_80"])({"coverage_80": 0.8})
    for bad in ("__import__('os')", "bias.real > 0", "rmse < 3", "bias <="):
        with pytest.raises(ValueError):
            parse_constraint(bad, ["bias"])


def test_combination_margin_keeps_a_near_equal_combination():
    values = {(1, "lgbm"): {"wape": 0.100}, (1, "stack"): {"wape": 0.101},
              (2, "lgbm"): {"wape": 0.100}, (2, "stack"): {"wape": 0.110}}
    order = ["lgbm", "stack"]
    plain = select_models(evidence(values), SelectionRule("wape", fallback="lgbm"), SPECS, order,
                          combinations=["stack"])
    assert list(plain["model_key"]) == ["lgbm", "lgbm"]
    rule = SelectionRule("wape", fallback="lgbm", combination_margin=0.02)
    out = select_models(evidence(values), rule, SPECS, order, combinations=["stack"])
    # 1 % worse: the combination stays; 10 % worse: the single model wins on its merit.
    assert list(out["model_key"]) == ["stack", "lgbm"]
    assert "within 2%" in out.loc[0, "reason"]
