"""The experiments file (TOML): candidates, backtest design, metrics, selection rule.

Layout (see ``default_experiments.toml``)::

    seed = 42
    levels = [80, 95]
    [backtest]   folds, horizon = "month", history_days, warmup_folds (months before
                 the folds used only to rank combination members and calibrate intervals)
    [metrics]    compute = [...]; [metrics.custom] name = "module:function" or
                 "file.py:function" (relative to the experiments file) or
                 {function = "...", greater_is_better = true}
    [selection]  primary, weights, constraints, tie_breakers, level, group_by, fallback,
                 aggregate (how series are pooled per group or globally),
                 combination_margin, or incumbent and challenger_margin
    [[experiment]] name, model, [experiment.params] name = [grid values]

The file is parsed by pydantic models with ``extra="forbid"``: an unknown or misspelt
key is an error naming the file and the key path (``file: selection.weigths: unknown
key; known: [...]``); TOML types are taken as written (no "3" for 3).

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

from pydantic import ValidationError

from forecasting.digests import json_digest
from forecasting.experiment_schema import (
    CustomMetricSpec,
    ExperimentsError,
    ExperimentSpec,
    FileSpec,
    schema_error,
)
from forecasting.metrics import MetricSpec, resolve_metric
from forecasting.models import MODELS
from forecasting.selection import SelectionRule, parse_constraint

__all__ = [
    "Candidate",
    "BacktestDesign",
    "ExperimentConfig",
    "load_experiments",
    "parse_experiments",
    "ExperimentsError",
    "config_to_dict",
    "config_from_dict",
    "model_key",
    "DEFAULT_PATH",
]

DEFAULT_PATH = Path(__file__).with_name("default_experiments.toml")


def model_key(model: str, params: dict[str, Any]) -> str:
    """Stable 12-hex-digit key of {model, params} (canonical JSON, sha1: forecasting.digests)."""
    return json_digest({"model": model, "params": params}, algorithm="sha1", length=12)


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


def _fail(path: str, loc: tuple[str | int, ...], why: str, key: str | None = None) -> ExperimentsError:
    return ExperimentsError(path, loc, why, key)


def _custom_metric(path: Path, name: str, spec: CustomMetricSpec) -> MetricSpec:
    where = str(path)
    target, greater = spec.function, spec.greater_is_better
    module_part, _, attr = target.partition(":")
    if module_part.endswith(".py"):
        # A file next to the experiments file: import it under a private module name
        # so users need not make a package for one function.
        file = (path.parent / module_part).resolve()
        if not file.exists():
            raise _fail(where, ("metrics", "custom", name), f"file {file} does not exist")
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
        raise _fail(where, ("metrics", "custom", name), str(exc)) from exc


def _candidates(path: str, experiments: list[ExperimentSpec]) -> tuple[Candidate, ...]:
    if not experiments:
        raise _fail(path, ("experiment",), "at least one [[experiment]] table is required")
    out: list[Candidate] = []
    names: set[str] = set()
    for i, exp in enumerate(experiments):
        name, model = exp.name, exp.model
        if name in names:
            raise _fail(path, ("experiment", i, "name"), f"duplicate experiment name {name!r}")
        names.add(name)
        grid = exp.params
        allowed = set(inspect.signature(MODELS[model]).parameters)
        for param in grid:
            if param not in allowed:
                raise _fail(path, ("experiment", i, "params", param),
                            f"{model} has no parameter {param!r}; known: {sorted(allowed)}",
                            f"experiment {name!r}.params.{param}")
        # A list is a grid, except for list-valued parameters (combination members and
        # weights), where only a list of lists is a grid.
        list_params = getattr(MODELS[model], "list_params", ())
        values = [v if isinstance(v, list) and not (k in list_params and not isinstance(
            v[0] if v else None, list)) else [v] for k, v in grid.items()]
        for param, options in zip(grid, values, strict=True):
            if not options:  # an empty grid would drop the experiment without a word
                raise _fail(path, ("experiment", i, "params", param),
                            f"an empty list of values for {name!r}: give at least one")
        points = [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*values)]
        for params in points:
            try:
                MODELS[model](**params)
            except (TypeError, ValueError) as exc:
                raise _fail(path, ("experiment", i, "params"), f"{params}: {exc}",
                            f"experiment {name!r}.params") from exc
            label = name if len(points) == 1 else name + "[" + ",".join(
                f"{k}={v}" for (k, v), options in zip(params.items(), values, strict=True)
                if len(options) > 1) + "]"
            key = model_key(model, params)
            if any(c.key == key for c in out):
                raise _fail(path, ("experiment", i, "params"), f"{params} duplicates a candidate",
                            f"experiment {name!r}.params")
            out.append(Candidate(key, name, model, params, label))
    return tuple(out)


def _incumbent(where: str, name: str | None, challenger_margin: float, combination_margin: float,
               candidates: tuple[Candidate, ...]) -> str | None:
    """The incumbent's model key (``[selection] incumbent`` names an experiment), or None."""
    if challenger_margin > 0 and combination_margin > 0:
        raise _fail(where, ("selection", "challenger_margin"),
                    "set challenger_margin or combination_margin, not both")
    if name is None:
        return None
    if challenger_margin <= 0:
        raise _fail(where, ("selection", "incumbent"), "needs challenger_margin > 0")
    matches = [c for c in candidates if name in (c.experiment, c.label)]
    if len(matches) != 1:
        raise _fail(where, ("selection", "incumbent"), f"no experiment named {name!r}" if not matches
                    else f"{name!r} is a grid of {len(matches)} candidates: name one label")
    return matches[0].key


def parse_experiments(path: Path, raw: dict[str, Any]) -> ExperimentConfig:
    """Validate the parsed content ``raw`` of the experiments file ``path``; an error is an
    ExperimentsError naming its key path (a custom metric that does not import: ValueError)."""
    where = str(path)
    try:
        spec = FileSpec.model_validate(raw)
    except ValidationError as exc:
        raise schema_error(where, exc) from None
    candidates = _candidates(where, spec.experiment)
    metrics: dict[str, MetricSpec] = {}
    for name in spec.metrics.compute:
        try:
            metrics[name] = resolve_metric(name)
        except ValueError as exc:
            raise _fail(where, ("metrics", "compute"), str(exc)) from exc
    for name, custom in spec.metrics.custom.items():
        metrics[name] = _custom_metric(path, name, custom)
    sel = spec.selection
    primary = sel.primary if sel.primary is not None else next(iter(metrics))
    for key, names_used in (("selection.primary", [primary]),
                            ("selection.weights", list(sel.weights)),
                            ("selection.tie_breakers", sel.tie_breakers)):
        for metric in names_used:
            if metric not in metrics:
                raise _fail(where, tuple(key.split(".")),
                            f"metric {metric!r} is not computed (add it to metrics)")
    for text in sel.constraints:
        try:
            parse_constraint(text, list(metrics))
        except ValueError as exc:
            raise _fail(where, ("selection", "constraints"), str(exc)) from exc
    if sel.level == "group" and not sel.group_by:
        raise _fail(where, ("selection", "group_by"), "required when level = 'group'")
    names_ok = {c.experiment for c in candidates} | {c.label for c in candidates}
    for c in candidates:
        for member in c.params.get("members") or []:
            if member not in names_ok or member == c.experiment:
                index = [e.name for e in spec.experiment].index(c.experiment)
                raise _fail(where, ("experiment", index, "params", "members"),
                            f"{member!r} is not another experiment's name",
                            f"experiment {c.experiment!r}.params.members")
    matches = [c for c in candidates if sel.fallback in (c.experiment, c.label)]
    if sel.fallback is not None and not matches:
        raise _fail(where, ("selection", "fallback"), f"no experiment named {sel.fallback!r}")
    # Without an explicit fallback, the first candidate in the file is the safe default.
    fallback = (matches[0] if matches else candidates[0]).key
    if any(MODELS[c.model].__dict__.get("is_combination") for c in candidates if c.key == fallback):
        raise _fail(where, ("selection", "fallback"), "a combination cannot be the fallback")
    incumbent = _incumbent(where, sel.incumbent, sel.challenger_margin, sel.combination_margin,
                           candidates)
    rule = SelectionRule(primary=primary, weights=dict(sel.weights),
                         constraints=tuple(sel.constraints), tie_breakers=tuple(sel.tie_breakers),
                         level=sel.level, group_by=sel.group_by, fallback=fallback,
                         aggregate=sel.aggregate,
                         combination_margin=sel.combination_margin, incumbent=incumbent,
                         challenger_margin=sel.challenger_margin)
    bt = spec.backtest
    return ExperimentConfig(candidates,
                            BacktestDesign(bt.folds, bt.horizon, bt.history_days, bt.warmup_folds),
                            metrics, rule, spec.seed, tuple(spec.levels), where, raw)


def load_experiments(path: str | Path | None = None) -> ExperimentConfig:
    """Read and validate an experiments file; None reads the packaged default."""
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"{path}: experiments file not found") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {exc.start + 1}); "
                         "an experiments file is TOML") from None
    except OSError as exc:  # a folder, no permission: the file cannot be read
        raise ValueError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from exc
    return parse_experiments(path, raw)


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
                      "combination_margin": config.selection.combination_margin,
                      "incumbent": config.selection.incumbent,
                      "challenger_margin": config.selection.challenger_margin,
                      "level": config.selection.level, "group_by": config.selection.group_by,
                      "fallback": config.selection.fallback,
                      "aggregate": config.selection.aggregate},
        "candidates": [{"key": c.key, "experiment": c.experiment, "model": c.model,
                        "params": c.params, "label": c.label} for c in config.candidates],
        "raw": json.loads(json.dumps(config.raw, default=str)),
    }


def config_from_dict(record: dict[str, Any]) -> ExperimentConfig:
    """Rebuild a config from :func:`config_to_dict` output (its raw TOML and source path).

    The source path matters only for custom metrics given as a file relative to it. A
    record written before ``selection.aggregate`` existed pooled series with the plain
    mean, so it is rebuilt with ``aggregate = "mean"`` and reproduces the same selection.
    """
    try:
        raw, source = record["raw"], record.get("source", "<registry>")
    except KeyError as exc:
        raise ValueError(f"config record lacks {exc}") from exc
    if "aggregate" not in record.get("selection", {"aggregate": None}):
        raw = {**raw, "selection": {**raw.get("selection", {}), "aggregate": "mean"}}
    return parse_experiments(Path(source), raw)
