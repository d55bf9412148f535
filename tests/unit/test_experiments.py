"""The experiments file's schema: every misspelt key or wrong type names the file and key path."""

import copy
import tomllib
from pathlib import Path

import pytest

from forecasting.experiments import config_from_dict, config_to_dict, load_experiments
from support import FIXTURES

BASE = tomllib.loads((FIXTURES / "engine_fast.toml").read_text())


def write(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """The fast fixture with one edit, written as TOML by hand (tomllib cannot write)."""
    raw = copy.deepcopy(BASE)
    edit(raw)
    path = tmp_path / "experiments.toml"
    path.write_text(_toml(raw))
    return path


def _value(v):  # type: ignore[no-untyped-def]
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    return repr(v)


def _toml(raw: dict) -> str:
    lines = [f"{k} = {_value(v)}" for k, v in raw.items() if not isinstance(v, dict | list)
             or (isinstance(v, list) and not (v and isinstance(v[0], dict)))]
    for k, v in raw.items():
        if isinstance(v, dict):
            lines += [f"[{k}]", *(f"{kk} = {_value(vv)}" for kk, vv in v.items())]
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            for item in v:
                lines += [f"[[{k}]]", *(f"{kk} = {_value(vv)}" for kk, vv in item.items())]
    return "\n".join(lines) + "\n"


def test_the_writer_round_trips_the_fixture(tmp_path):
    assert tomllib.loads(write(tmp_path, lambda r: None).read_text()) == BASE


@pytest.mark.parametrize("edit, message", [
    (lambda r: r["selection"].update(weigths={"wape": 1.0}),
     "selection.weigths: unknown key; known: ['aggregate', 'challenger_margin', "
     "'combination_margin', 'constraints'"),
    (lambda r: r["backtest"].update(fold=2), "backtest.fold: unknown key"),
    (lambda r: r["metrics"].update(computed=["wape"]), "metrics.computed: unknown key"),
    (lambda r: r["experiment"][1].update(parms={"k": 2}),
     "experiment[1].parms: unknown key; known: ['model', 'name', 'params']"),
    (lambda r: r["metrics"].update(custom={"m": {"function": "numpy:mean", "greater": True}}),
     "metrics.custom.m.greater: unknown key"),
    (lambda r: r.update(colour="red"), ": colour: unknown key"),
    (lambda r: r["backtest"].update(folds="2"), "backtest.folds: Input should be a valid integer"),
    (lambda r: r["backtest"].update(folds=True), "backtest.folds: Input should be a valid integer"),
    (lambda r: r["backtest"].update(history_days=7), "backtest.history_days: must be an integer >= 28"),
    (lambda r: r["backtest"].update(horizon="week"), "backtest.horizon: only 'month'"),
    (lambda r: r.update(levels=[80, 100]), "levels: must be integers in 1..99"),
    (lambda r: r["selection"].update(weights={"wape": "x"}), "selection.weights.wape"),
    (lambda r: r["selection"].update(level="store"), "selection.level: must be one of"),
    (lambda r: r["experiment"][0].pop("model"), "experiment[0].model: required key is missing"),
    (lambda r: r["experiment"][0].update(model="prophett"), "unknown model 'prophett'"),
    (lambda r: r["experiment"][2].update(name="seasonal_naive"), "duplicate experiment name"),
    # An empty grid used to drop the experiment silently (or, for the only one, crash).
    (lambda r: r["experiment"][1].update(params={"k": []}),
     "experiment[1].params.k: an empty list of values for 'weekday_mean'"),
    (lambda r: r["selection"].update(incumbent="nope", challenger_margin=0.02),
     "selection.incumbent: no experiment named 'nope'"),
    (lambda r: r["selection"].update(incumbent="profile"),
     "selection.incumbent: needs challenger_margin > 0"),
    (lambda r: r["selection"].update(challenger_margin=0.02, combination_margin=0.02),
     "selection.challenger_margin: set challenger_margin or combination_margin, not both"),
    (lambda r: r["selection"].update(challenger_margin=1.5),
     "selection.challenger_margin: must be a fraction in [0, 1), got 1.5"),
])
def test_schema_errors_name_file_and_key_path(tmp_path, edit, message):
    path = write(tmp_path, edit)
    with pytest.raises(ValueError) as err:
        load_experiments(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_short_and_table_forms_of_a_custom_metric_agree(tmp_path):
    short = write(tmp_path, lambda r: r["metrics"].update(custom={"m": "numpy:mean"}))
    config = load_experiments(short)
    assert config.metrics["m"].func.__name__ == "mean" and not config.metrics["m"].greater_is_better
    table = write(tmp_path, lambda r: r["metrics"].update(
        custom={"m": {"function": "numpy:mean", "greater_is_better": True}}))
    assert load_experiments(table).metrics["m"].greater_is_better


def test_round_trip_through_the_registry_record(tmp_path):
    config = load_experiments(write(tmp_path, lambda r: None))
    again = config_from_dict(config_to_dict(config))
    assert again.selection == config.selection and again.backtest == config.backtest


def test_an_unknown_key_is_named_before_other_errors(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('seed = 1\nbogus = 2\n[[experiment]]\nname = "naive"\nmodel = "naive"\n')
    with pytest.raises(ValueError, match=r"bad.toml: bogus: unknown key"):
        load_experiments(path)


@pytest.mark.parametrize("content, message", [
    (b"\xfd\x00binary", "not UTF-8 text (byte 1)"),
    (None, "cannot be read: Is a directory"),
])
def test_an_unreadable_file_is_named(tmp_path, content, message):
    """Bytes that are not UTF-8, or a folder, name the file (not a bare codec or OS error)."""
    path = tmp_path / "bad.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError) as err:
        load_experiments(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_the_only_experiment_with_an_empty_grid_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "one.toml"
    path.write_text('[[experiment]]\nname = "p"\nmodel = "profile"\nparams = { window = [] }\n')
    with pytest.raises(ValueError, match=r"one.toml: experiment\[0\]\.params\.window: an empty list"):
        load_experiments(path)
