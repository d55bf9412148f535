"""The experiments config of a run: load it, fingerprint it, and restore it from the registry.

``forecast.run.config`` stores ``experiments.config_to_dict(config)``; its sha256
(over canonical JSON, without the file's location) is the idempotency key's config
part, so the same file content read from another path is the same config. Shards
and ``reproduce`` rebuild the config from the stored record, never from the file,
so a worker on another machine needs no copy of the experiments file and an edited
file cannot leak into a run that already started.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forecasting.digests import json_digest
from planfact.config import Settings
from planfact.errors import InputError, UsageError
from planfact.tomlsource import key_position, read_toml

if TYPE_CHECKING:
    from forecasting.experiments import ExperimentConfig

__all__ = ["load_config", "config_record", "config_sha256", "config_from_record", "runtime_versions",
           "model_set_version"]

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
    return json_digest(content, compact=True)


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


def model_set_version(config: ExperimentConfig, digest: str) -> str:
    """A run's *model-set version* (stored as ``forecast.run.model_version``): a hash of the
    experiments config digest and the library versions its candidates use.

    Not a *model version* (``forecast.model_version``, ``writer.model_version_id``: one model
    with one parameter set), of which a run selects many per month.
    """
    from forecasting.models import library_versions

    libraries = {c.model: library_versions(c.model) for c in config.candidates}
    return json_digest({"config": digest, "libraries": libraries}, length=16)
