"""The experiments file's structure as pydantic models: every table forbids unknown keys.

Only the shape and the per-key rules live here (types, ranges, known names); the checks
that need several keys at once (metrics used by the selection, combination members, the
fallback) are in :mod:`forecasting.experiments`. TOML types are taken as written
(``strict``): ``folds = "3"`` is an error, not 3.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from forecasting.models import MODELS
from forecasting.selection import AGGREGATES, LEVELS

__all__ = [
    "FileSpec", "ExperimentSpec", "CustomMetricSpec", "ExperimentsError", "schema_error", "DEFAULT_METRICS",
]

DEFAULT_METRICS = ("wape", "rmspe", "bias", "mae", "coverage_80")


class ExperimentsError(ValueError):
    """An experiments file breaks its schema: ``file: key: why``. ``loc`` is the key path (as
    pydantic's: ``("experiment", 2, "params", "k")``) so that the application can place the
    error on its line; ``key`` is how the path is shown."""

    def __init__(self, path: str, loc: tuple[str | int, ...], why: str, key: str | None = None) -> None:
        self.path, self.loc, self.why = path, tuple(loc), why
        self.key = key or _key_path(self.loc) or "(file)"
        super().__init__(f"{path}: {self.key}: {why}")


class _Section(BaseModel):
    """A table of the file: unknown keys are errors, TOML types are taken as written."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Backtest(_Section):
    folds: int = 3
    horizon: str = "month"
    history_days: int | None = None
    warmup_folds: int = 1

    @field_validator("folds")
    @classmethod
    def _folds(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"must be an integer >= 1, got {v!r}")
        return v

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, v: str) -> str:
        if v != "month":
            raise ValueError(f"only 'month' is supported, got {v!r}")
        return v

    @field_validator("history_days")
    @classmethod
    def _history(cls, v: int | None) -> int | None:
        if v is not None and v < 28:
            raise ValueError(f"must be an integer >= 28, got {v!r}")
        return v

    @field_validator("warmup_folds")
    @classmethod
    def _warmup(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"must be an integer >= 0, got {v!r}")
        return v


class CustomMetricSpec(_Section):
    function: str
    greater_is_better: bool = False


class _Metrics(_Section):
    compute: list[str] = Field(default_factory=lambda: list(DEFAULT_METRICS))
    custom: dict[str, CustomMetricSpec] = Field(default_factory=dict)

    @field_validator("custom", mode="before")
    @classmethod
    def _short_form(cls, v: Any) -> Any:
        """``name = "module:function"`` is short for ``name = {function = "module:function"}``."""
        if isinstance(v, dict):
            return {k: {"function": f} if isinstance(f, str) else f for k, f in v.items()}
        return v


class _Selection(_Section):
    primary: str | None = None
    weights: dict[str, float] = Field(default_factory=dict)
    constraints: list[str] = Field(default_factory=list)
    tie_breakers: list[str] = Field(default_factory=list)
    level: str = "series"
    group_by: str | None = None
    fallback: str | None = None
    combination_margin: float = 0.0
    incumbent: str | None = None
    challenger_margin: float = 0.0

    @field_validator("combination_margin", "challenger_margin")
    @classmethod
    def _margin(cls, v: float) -> float:
        if not 0 <= v < 1:
            raise ValueError(f"must be a fraction in [0, 1), got {v!r}")
        return v

    aggregate: str = "volume_weighted"

    @field_validator("aggregate")
    @classmethod
    def _aggregate(cls, v: str) -> str:
        if v not in AGGREGATES:
            raise ValueError(f"must be one of {AGGREGATES}, got {v!r}")
        return v

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v not in LEVELS:
            raise ValueError(f"must be one of {LEVELS}, got {v!r}")
        return v


class ExperimentSpec(_Section):
    name: str
    model: str
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v:
            raise ValueError("a non-empty string is required")
        return v

    @field_validator("model")
    @classmethod
    def _model(cls, v: str) -> str:
        if v not in MODELS:
            raise ValueError(f"unknown model {v!r}; known: {', '.join(MODELS)}")
        return v


class FileSpec(_Section):
    """The whole experiments file, as written (semantic checks follow in
    :func:`forecasting.experiments.parse_experiments`)."""

    seed: int = 42
    levels: list[int] = Field(default_factory=lambda: [80, 95])
    backtest: _Backtest = Field(default_factory=_Backtest)
    metrics: _Metrics = Field(default_factory=_Metrics)
    selection: _Selection = Field(default_factory=_Selection)
    experiment: list[ExperimentSpec] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: list[int]) -> list[int]:
        if not all(0 < level < 100 for level in v):
            raise ValueError(f"must be integers in 1..99, got {v}")
        return v


_SECTIONS: dict[str, type[BaseModel]] = {
    "backtest": _Backtest, "metrics": _Metrics, "selection": _Selection,
    "experiment": ExperimentSpec,
}


def _key_path(loc: tuple[int | str, ...]) -> str:
    """``("experiment", 0, "nme")`` -> ``experiment[0].nme``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _known(loc: tuple[int | str, ...]) -> list[str]:
    """The keys allowed in the table that holds ``loc``'s last key."""
    parents = [p for p in loc[:-1] if isinstance(p, str)]
    if parents[:2] == ["metrics", "custom"]:
        return sorted(CustomMetricSpec.model_fields)
    model = _SECTIONS.get(parents[0]) if parents else FileSpec
    return sorted(model.model_fields) if model else []


def schema_error(path: str, exc: ValidationError) -> ValueError:
    """One error of a parse (an unknown key before any other), as ``file: key.path: why``."""
    errors = exc.errors()
    # An unknown key first: a misspelt key often explains the other errors (a missing default).
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        why = f"unknown key; known: {_known(loc)}"
    elif err["type"] == "missing":
        why = "required key is missing"
    elif err["type"] in ("model_type", "dict_type"):
        why = f"expected a table, got {err['input']!r}"
    elif err["type"] == "list_type":
        why = f"expected an array, got {err['input']!r}"
    elif err["type"] == "value_error":
        why = str(err["ctx"]["error"])
    else:
        why = f"{err['msg']}, got {err['input']!r}"
    return ExperimentsError(path, loc, why)
