"""The experiments config of a run: load it, fingerprint it, and restore it from the registry.

``forecast.run.config`` stores ``experiments.config_to_dict(config)``; its sha256
(over canonical JSON, without the file's location) is the idempotency key's config
part, so the same file content read from another path is the same config. Shards
and ``reproduce`` rebuild the config from the stored record, never from the file,
so a worker on another machine needs no copy of the experiments file and an edited
file cannot leak into a run that already started.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planfact.config import Settings
from planfact.errors import InputError, UsageError
from planfact.tomlsource import key_position, read_toml

if TYPE_CHECKING:
    from forecasting.experiments import ExperimentConfig

__all__ = ["load_config", "config_record", "config_sha256", "config_from_record", "runtime_versions",
           "model_version_of_run"]

_RUNTIME = ("numpy", "pandas", "scipy", "statsmodels", "prophet", "cmdstanpy", "lightgbm", "psycopg")


def load_config(experiments: Any, settings: Settings) -> ExperimentConfig:
    """An ExperimentConfig from a config object, a path, the settings' file or the packaged default.

    A file that breaks the engine's schema is refused like a mapping (exit 1), on the line of
    the key: ``FILE: line L, column C: key: reason`` (positions by ``planfact.tomlsource``)."""
    from forecasting.experiments import (
        ExperimentConfig,
        ExperimentsError,
        load_experiments,
        parse_experiments,
    )

    if isinstance(experiments, ExperimentConfig):
        return experiments
    path = experiments if experiments is not None else settings.experiments_file
    if path is None:
        return load_experiments(None)  # (the packaged default: an error there is a bug)
    option = "--experiments" if experiments is not None else "PLANFACT_EXPERIMENTS_FILE"
    resolved = Path(path).resolve()
    text, raw = read_toml(resolved, option)
    try:
        return parse_experiments(resolved, raw)
    except ExperimentsError as exc:
        line, column = key_position(text, exc.loc)
        raise InputError(f"{resolved}: line {line}, column {column}: {exc.key}: {exc.why}") from None
    except ValueError as exc:  # (a custom metric's module that cannot be imported, ...)
        raise InputError(f"{option}: {exc}") from None


def config_record(config: ExperimentConfig) -> dict[str, Any]:
    """The JSON stored in ``forecast.run.config``."""
    from forecasting.experiments import config_to_dict

    return json.loads(json.dumps(config_to_dict(config), default=str))


def config_sha256(record: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a config record, without its ``source`` path."""
    content = {k: v for k, v in record.items() if k != "source"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def config_from_record(record: dict[str, Any]) -> ExperimentConfig:
    """Rebuild the ExperimentConfig a run recorded (its raw TOML content and source path)."""
    from forecasting.experiments import config_from_dict

    try:
        return config_from_dict(record)
    except (KeyError, ValueError) as exc:
        raise UsageError(f"the run's recorded config cannot be rebuilt: {exc}") from None


def runtime_versions() -> dict[str, str]:
    """Python and the versions of libraries that change forecasts, for ``forecast.run.params``."""
    out = {"python": platform.python_version()}
    for name in _RUNTIME:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def model_version_of_run(config: ExperimentConfig, digest: str) -> str:
    """``forecast.run.model_version``: hash of the config and the library versions its models use."""
    from forecasting.models import library_versions

    libraries = {c.model: library_versions(c.model) for c in config.candidates}
    text = json.dumps({"config": digest, "libraries": libraries}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
