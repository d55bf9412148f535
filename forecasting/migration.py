"""Schema migrations: alembic driven from Python so the CLI, tests and DAG share one path."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from forecasting.database import sqlalchemy_url
from forecasting.settings import PROJECT_ROOT

__all__ = ["alembic_config", "upgrade", "downgrade", "current_revision"]


def alembic_config(url: str) -> Config:
    """An alembic Config for ``url`` using the repository's migrations folder."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # alembic's ini interpolation treats '%' specially; passing the URL as an attribute avoids it.
    config.attributes["database_url"] = sqlalchemy_url(url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Downgrade the database at ``url`` to ``revision``."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
