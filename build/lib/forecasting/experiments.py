"""The experiments file (TOML): candidates, backtest design, metrics, selection rule.

Layout (see ``default_experiments.toml``)::

    seed = 42
    levels = [80, 95]
    [backtest]   folds, horizon = "month", history_days, warmup_folds (months before
                 the folds used only to rank combination members and calibrate intervals)
    [metrics]    compute = [...]; [metrics.custom] name = "module:function" or
                 "file.py:function" (relative to the experiments file) or
                 {function = "...", greater_is_better = true}
    [selection]  primary, weights, constraints, tie_breakers, level, group_by, fallback
    [[experiment]] name, model, [experiment.params] name = [grid values]

Each experiment expands into one candidate per point of its parameter grid. A
candidate's ``key`` is a stable short hash of its model name and parameters, so
the same configuration gets the same key in every run and in the run registry.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import itertools
import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forecasting.metrics import MetricSpec, resolve_metric
from forecasting.models import MODELS
from forecasting.selection import LEVELS, SelectionRule, parse_constraint

__all__ = [
    "Candidate",
    "BacktestDesign",
    "ExperimentConfig",
    "load_experiments",
    "config_to_dict",
    "config_from_dict",
    "model_key",
    "DEFAULT_PATH",
]

DEFAULT_PATH = Path(__file__).with_name("default_experiments.toml")
_TOP_KEYS = {"seed", "levels", "backtest", "metrics", "selection", "experiment"}


def model_key(model: str, params: dict[str, Any]) -> str:
    """Stable 12-hex-digit key of {model, params} (JSON with sorted keys, sha1)."""
    text = json.dumps({"model": model, "params": params}, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Candidate:
    """One model with one parameter set; ``label`` is for humans, ``key`` for machines."""

    key: str
    experiment: str
    model: str
    params: dict[str, Any]
    label: str

    def build(self) -> Any:
        """A fresh, unfitted model instance."""
        return MODELS[self.model](**self.params)


@dataclass(frozen=True)
class BacktestDesign:
    """Rolling-origin design: ``folds`` monthly folds, optional history window in days."""

    folds: int = 3
    horizon: str = "month"
    history_days: int | None = None
    warmup_folds: int = 1


@dataclass(frozen=True)
class ExperimentConfig:
    """A parsed, validated experiments file."""

    candidates: tuple[Candidate, ...]
    backtest: BacktestDesign
    metrics: dict[str, MetricSpec]
    selection: SelectionRule
    seed: int = 42
    levels: tuple[int, ...] = (80, 95)
    source: str = "<memory>"
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def _fail(path: str, key: str, why: str) -> ValueError:
    return ValueError(f"{path}: {key}: {why}")


def _custom_metric(path: Path, name: str, spec: Any) -> MetricSpec:
    where = str(path)
    if isinstance(spec, str):
        target, greater = spec, False
    elif isinstance(spec, dict) and isinstance(spec.get("function"), str):
        target, greater = spec["function"], bool(spec.get("greater_is_better", False))
    else:
        raise _fail(where, f"metrics.custom.{name}", "expected 'module:function' or a table")
    module_part, _, attr = target.partition(":")
    if module_part.endswith(".py"):
        # A file next to the experiments file: import it under a private module name
        # so users need not make a package for one function.
        file = (path.parent / module_part).resolve()
        if not file.exists():
            raise _fail(where, f"metrics.custom.{name}", f"file {file} does not exist")
        mod_name = f"planfact_custom_metrics_{hashlib.sha1(str(file).encode()).hexdigest()[:8]}"
        if mod_name not in sys.modules:
            loader_spec = importlib.util.spec_from_file_location(mod_name, file)
            module = importlib.util.module_from_spec(loader_spec)  # type: ignore[arg-type]
            sys.modules[mod_name] = module
            loader_spec.loader.exec_module(module)  # type: ignore[union-attr]
        target = f"{mod_name}:{attr}"
    try:
        return resolve_metric(name, target, greater_is_better=greater)
    except ValueError as exc:
        raise _fail(where, f"metrics.custom.{name}", str(exc)) from exc


def _candidates(path: str, experiments: Any) -> tuple[Candidate, ...]:
    if not isinstance(experiments, list) or not experiments:
        raise _fail(path, "experiment", "at least one [[experiment]] table is required")
    out: list[Candidate] = []
    names: set[str] = set()
    for i, exp in enumerate(experiments):
        where = f"experiment[{i}]"
        name, model = exp.get("name"), exp.get("model")
        if not isinstance(name, str) or not name:
            raise _fail(path, f"{where}.name", "a non-empty string is required")
        if name in names:
            raise _fail(path, f"{where}.name", f"duplicate experiment name {name!r}")
        names.add(name)
        extra = set(exp) - {"name", "model", "params"}
        if extra:
            raise _fail(path, f"experiment {name!r}", f"unknown key(s) {sorted(extra)}")
        if model not in MODELS:
            raise _fail(path, f"experiment {name!r}.model",
                        f"unknown model {model!r}; known: {', '.join(MODELS)}")
        grid = exp.get("params", {})
        allowed = set(inspect.signature(MODELS[model]).parameters)
        for param in grid:
            if param not in allowed:
                raise _fail(path, f"experiment {name!r}.params.{param}",
                            f"{model} has no parameter {param!r}; known: {sorted(allowed)}")
        # A list is a grid, except for list-valued parameters (combination members and
        # weights), where only a list of lists is a grid.
        list_params = getattr(MODELS[model], "list_params", ())
        values = [v if isinstance(v, list) and not (k in list_params and not isinstance(
            v[0] if v else None, list)) else [v] for k, v in grid.items()]
        points = [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*values)]
        for params in points:
            try:
                MODELS[model](**params)
            except (TypeError, ValueError) as exc:
                raise _fail(path, f"experiment {name!r}.params", f"{params}: {exc}") from exc
            label = name if len(points) == 1 else name + "[" + ",".join(
                f"{k}={v}" for (k, v), options in zip(params.items(), values, strict=True)
                if len(options) > 1) + "]"
            key = model_key(model, params)
            if any(c.key == key for c in out):
                raise _fail(path, f"experiment {name!r}.params", f"{params} duplicates a candidate")
            out.append(Candidate(key, name, model, params, label))
    return tuple(out)


def _parse(path: Path, raw: dict[str, Any]) -> ExperimentConfig:
    where = str(path)
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _fail(where, sorted(unknown)[0], f"unknown top-level key; known: {sorted(_TOP_KEYS)}")
    candidates = _candidates(where, raw.get("experiment"))
    bt = raw.get("backtest", {})
    folds, horizon, history = bt.get("folds", 3), bt.get("horizon", "month"), bt.get("history_days")
    if not isinstance(folds, int) or folds < 1:
        raise _fail(where, "backtest.folds", f"must be an integer >= 1, got {folds!r}")
    if horizon != "month":
        raise _fail(where, "backtest.horizon", f"only 'month' is supported, got {horizon!r}")
    if history is not None and (not isinstance(history, int) or history < 28):
        raise _fail(where, "backtest.history_days", f"must be an integer >= 28, got {history!r}")
    warmup = bt.get("warmup_folds", 1)
    if not isinstance(warmup, int) or warmup < 0:
        raise _fail(where, "backtest.warmup_folds", f"must be an integer >= 0, got {warmup!r}")
    for section, known in (("backtest", {"folds", "horizon", "history_days", "warmup_folds"}),
                           ("metrics", {"compute", "custom"}),
                           ("selection", {"primary", "weights", "constraints", "tie_breakers",
                                          "level", "group_by", "fallback"})):
        extra = set(raw.get(section, {})) - known
        if extra:
            raise _fail(where, f"{section}.{sorted(extra)[0]}", f"unknown key; known: {sorted(known)}")
    metrics_raw = raw.get("metrics", {})
    names = metrics_raw.get("compute", ["wape", "rmspe", "bias", "mae", "coverage_80"])
    metrics: dict[str, MetricSpec] = {}
    for name in names:
        try:
            metrics[name] = resolve_metric(name)
        except ValueError as exc:
            raise _fail(where, "metrics.compute", str(exc)) from exc
    for name, spec in metrics_raw.get("custom", {}).items():
        metrics[name] = _custom_metric(path, name, spec)
    sel = raw.get("selection", {})
    primary = sel.get("primary", next(iter(metrics)))
    level, group_by = sel.get("level", "series"), sel.get("group_by")
    for key, names_used in (("selection.primary", [primary]),
                            ("selection.weights", list(sel.get("weights", {}))),
                            ("selection.tie_breakers", list(sel.get("tie_breakers", [])))):
        for metric in names_used:
            if metric not in metrics:
                raise _fail(where, key, f"metric {metric!r} is not computed (add it to metrics)")
    for text in sel.get("constraints", []):
        try:
            parse_constraint(text, list(metrics))
        except ValueError as exc:
            raise _fail(where, "selection.constraints", str(exc)) from exc
    if level not in LEVELS:
        raise _fail(where, "selection.level", f"must be one of {LEVELS}, got {level!r}")
    if level == "group" and not group_by:
        raise _fail(where, "selection.group_by", "required when level = 'group'")
    names_ok = {c.experiment for c in candidates} | {c.label for c in candidates}
    for c in candidates:
        for member in c.params.get("members") or []:
            if member not in names_ok or member == c.experiment:
                raise _fail(where, f"experiment {c.experiment!r}.params.members",
                            f"{member!r} is not another experiment's name")
    fallback_name = sel.get("fallback")
    matches = [c for c in candidates if c.experiment == fallback_name or c.label == fallback_name]
    if fallback_name is not None and not matches:
        raise _fail(where, "selection.fallback", f"no experiment named {fallback_name!r}")
    # Without an explicit fallback, the first candidate in the file is the safe default.
    fallback = (matches[0] if matches else candidates[0]).key
    if any(MODELS[c.model].__dict__.get("is_combination") for c in candidates if c.key == fallback):
        raise _fail(where, "selection.fallback", "a combination cannot be the fallback")
    levels = tuple(raw.get("levels", [80, 95]))
    if not all(isinstance(v, int) and 0 < v < 100 for v in levels):
        raise _fail(where, "levels", f"must be integers in 1..99, got {list(levels)}")
    seed = raw.get("seed", 42)
    if not isinstance(seed, int):
        raise _fail(where, "seed", f"must be an integer, got {seed!r}")
    rule = SelectionRule(primary=primary, weights=dict(sel.get("weights", {})),
                         constraints=tuple(sel.get("constraints", [])),
                         tie_breakers=tuple(sel.get("tie_breakers", [])),
                         level=level, group_by=group_by, fallback=fallback)
    return ExperimentConfig(candidates, BacktestDesign(folds, horizon, history, warmup), metrics, rule,
                            seed, levels, where, raw)


def load_experiments(path: str | Path | None = None) -> ExperimentConfig:
    """Read and validate an experiments file; None reads the packaged default."""
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"{path}: experiments file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from exc
    return _parse(path, raw)


def config_to_dict(config: ExperimentConfig) -> dict[str, Any]:
    """JSON-serializable form for the run registry; reproduces the same candidates."""
    return {
        "source": config.source,
        "seed": config.seed,
        "levels": list(config.levels),
        "backtest": {"folds": config.backtest.folds, "horizon": config.backtest.horizon,
                     "history_days": config.backtest.history_days,
                     "warmup_folds": config.backtest.warmup_folds},
        "metrics": {name: (f"{spec.func.__module__}:{spec.func.__name__}",
                           spec.greater_is_better) for name, spec in config.metrics.items()},
        "selection": {"primary": config.selection.primary,
                      "weights": dict(config.selection.weights),
                      "constraints": list(config.selection.constraints),
                      "tie_breakers": list(config.selection.tie_breakers),
                      "level": config.selection.level, "group_by": config.selection.group_by,
                      "fallback": config.selection.fallback},
        "candidates": [{"key": c.key, "experiment": c.experiment, "model": c.model,
                        "params": c.params, "label": c.label} for c in config.candidates],
        "raw": json.loads(json.dumps(config.raw, default=str)),
    }


def config_from_dict(record: dict[str, Any]) -> ExperimentConfig:
    """Rebuild a config from :func:`config_to_dict` output (its raw TOML and source path).

    The source path matters only for custom metrics given as a file relative to it.
    """
    try:
        raw, source = record["raw"], record.get("source", "<registry>")
    except KeyError as exc:
        raise ValueError(f"config record lacks {exc}") from exc
    return _parse(Path(source), raw)
