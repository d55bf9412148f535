"""Pure parts of the monthly run: months, shards, config fingerprints, model versions, result checks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from forecasting.calendar import month_cutoff, month_end
from forecasting.experiments import load_experiments
from planfact.errors import PlanfactError, UsageError
from planfact.periods import parse_month, parse_shard
from planfact.runs.configs import config_from_record, config_record, config_sha256
from planfact.runs.finalize import RunSummary
from planfact.runs.writer import check_result, model_version_id
from support.run_data import EXPERIMENTS

JULY = dt.date(2015, 7, 1)


@pytest.mark.parametrize("value", ["2015-07", "2015-07-01", " 2015-07 ", JULY])
def test_parse_month_accepts_the_month_forms(value: object) -> None:
    assert parse_month(value) == JULY  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["2015-13", "2015-7", "July", "2015-07-02", dt.date(2015, 7, 2)])
def test_parse_month_refuses_other_forms(value: object) -> None:
    with pytest.raises(UsageError, match="month"):
        parse_month(value)  # type: ignore[arg-type]


def test_month_bounds() -> None:
    assert month_cutoff(JULY) == dt.date(2015, 6, 30)
    assert month_end(dt.date(2016, 2, 1)) == dt.date(2016, 2, 29)
    assert month_end(dt.date(2015, 12, 1)) == dt.date(2015, 12, 31)


@pytest.mark.parametrize(("value", "expected"), [("1/1", (1, 1)), ("2/3", (2, 3)), ((3, 3), (3, 3))])
def test_parse_shard(value: object, expected: tuple[int, int]) -> None:
    assert parse_shard(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["0/3", "4/3", "1/0", "2", "a/b", "-1/2"])
def test_parse_shard_refuses(value: str) -> None:
    with pytest.raises(UsageError, match="--shard"):
        parse_shard(value)


def test_config_fingerprint_ignores_the_path_but_not_the_content(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere.toml"
    shutil.copy(EXPERIMENTS, copy)
    here, there = config_record(load_experiments(EXPERIMENTS)), config_record(load_experiments(copy))
    assert here["source"] != there["source"]
    assert config_sha256(here) == config_sha256(there)
    copy.write_text(EXPERIMENTS.read_text().replace("window = 91", "window = 63"))
    assert config_sha256(config_record(load_experiments(copy))) != config_sha256(here)


def test_config_rebuilt_from_the_registry_is_the_same_config() -> None:
    record = config_record(load_experiments(EXPERIMENTS))
    rebuilt = config_from_record(record)
    assert config_sha256(config_record(rebuilt)) == config_sha256(record)
    assert [c.key for c in rebuilt.candidates] == [c["key"] for c in record["candidates"]]


def test_model_version_id_is_stable_and_sensitive() -> None:
    base = model_version_id("profile", {"window": 91}, {"numpy": "2.0"})
    assert base == model_version_id("profile", {"window": 91}, {"numpy": "2.0"})
    assert base.startswith("profile-") and len(base) == len("profile-") + 12
    assert base != model_version_id("profile", {"window": 63}, {"numpy": "2.0"})
    assert base != model_version_id("profile", {"window": 91}, {"numpy": "2.1"})


def _result(days: int = 31, mean: float = 5.0, key: str = "k1") -> SimpleNamespace:
    ds = pd.date_range(JULY, periods=days, freq="D")
    forecasts = pd.DataFrame({"series_id": 1, "ds": ds, "model_key": key, "mean": mean})
    selection = pd.DataFrame({"series_id": [1], "model_key": [key], "score": [0.1], "reason": ["best"]})
    return SimpleNamespace(forecasts=forecasts, selection=selection, models={"k1": {"name": "profile"}})


def test_check_result_accepts_a_complete_month() -> None:
    check_result(_result(), JULY)


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (_result(days=30), "without all 31 days"),
        (_result(days=32), "fall outside 2015-07"),
        (_result(mean=-1.0), "negative point forecast"),
        (_result(mean=float("nan")), "NaN"),
        (_result(key="k2"), "without a model description"),
    ],
)
def test_check_result_refuses_what_must_not_become_a_plan(result: SimpleNamespace, message: str) -> None:
    with pytest.raises(PlanfactError, match=message):
        check_result(result, JULY)


def test_summary_text_names_models_metrics_plan_and_duration() -> None:
    summary = RunSummary(
        7, "succeeded", "production", JULY, 3,
        {"series": 1115, "forecast_rows": 34565, "models": {"profile": 900, "lgbm_global": 215},
         "folds": 3, "backtest": {"wape": {"mean": 0.0912}, "bias": {"mean": -1.234}},
         "timings": {"read": 2.0, "engine": 300.0, "write": 1.5}, "wape": 0.0912},
        310.2, "run 7 is the plan of record for 2015-07")
    text = str(summary)
    assert "run 7 succeeded · production 2015-07 · data version 3 · 1,115 series · 34,565" in text
    assert "models chosen: profile 900, lgbm_global 215" in text
    assert "wape 0.091 · bias -1.23 %" in text
    assert "duration 310.2 s (read 2.0 s, engine 300.0 s, write 1.5 s)" in text
    assert summary.headline().startswith("run 7 succeeded: production 2015-07, data version 3, 1,115 series")
