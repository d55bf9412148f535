"""Settings: an empty variable means "use the default", as docker compose hands them over.

``docker-compose.yml`` passes optional settings as ``${PLANFACT_X:-}``: a variable the
deployment's ``.env`` does not set reaches the container as an empty string. Read literally,
``PLANFACT_EXPERIMENTS_FILE=""`` became ``Path("")``, the current folder, and every monthly run
failed with "cannot be read: Is a directory" (issue #26, F4).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planfact.config import Settings, load_settings

_EMPTY = ("PLANFACT_EXPERIMENTS_FILE", "PLANFACT_WEBHOOK_URL", "PLANFACT_WORKERS", "PLANFACT_SHARDS",
          "PLANFACT_DAG_END_DATE", "PLANFACT_DAG_START_DATE", "PLANFACT_RETRY_DELAY_MINUTES",
          "PLANFACT_SENSOR_POKE_MINUTES", "PLANFACT_LOG_LEVEL", "PLANFACT_REPORT_DIR",
          "PLANFACT_DATABASE_URL")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No PLANFACT_* variable and no .env file of the caller's."""
    import os

    for name in list(os.environ):
        if name.startswith("PLANFACT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_empty_variables_mean_the_defaults(clean_env: pytest.MonkeyPatch) -> None:
    defaults = load_settings()
    for name in _EMPTY:
        clean_env.setenv(name, "")
    settings = load_settings()
    assert settings.experiments_file is None  # not Path(""), the current folder
    assert settings.webhook_url is None and settings.database_url is None
    assert settings.workers == defaults.workers and settings.shards == 2
    assert settings.dag_start_date == dt.date(2013, 1, 1) and settings.dag_end_date is None
    assert settings.retry_delay_minutes == 5.0 and settings.sensor_poke_minutes == 30.0
    assert settings.log_level == "WARNING" and settings.report_dir == defaults.report_dir


def test_empty_values_in_the_env_file_mean_the_defaults(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("PLANFACT_EXPERIMENTS_FILE=\nPLANFACT_SHARDS=\nPLANFACT_WORKERS=3\n")
    settings = Settings()
    assert settings.experiments_file is None and settings.shards == 2 and settings.workers == 3


def test_a_set_variable_still_counts(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("PLANFACT_EXPERIMENTS_FILE", str(tmp_path / "x.toml"))
    clean_env.setenv("PLANFACT_SHARDS", "4")
    settings = load_settings()
    assert settings.experiments_file == tmp_path / "x.toml" and settings.shards == 4
