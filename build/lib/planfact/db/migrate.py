"""Schema migrations: alembic driven from Python so the CLI, tests and DAG share one path.

``migrations/`` ships inside the wheel as the package ``planfact._migrations``; it is
found through ``importlib.resources``, so an installed planfact migrates without a checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config

from planfact.db.connect import sqlalchemy_url

__all__ = ["HEAD", "alembic_config", "upgrade", "downgrade", "current_revision", "head_revision"]

HEAD = "head"


def _script_location() -> Path:
    # Installed packages are plain folders (wheels are unpacked), so this is a real path.
    return Path(str(resources.files("planfact._migrations")))


def alembic_config(url: str) -> Config:
    """An alembic Config for ``url`` using the packaged migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(_script_location()))
    config.set_main_option("path_separator", "os")
    # alembic's ini interpolation treats '%' specially; passing the URL as an attribute avoids it.
    config.attributes["database_url"] = sqlalchemy_url(url)
    return config


def upgrade(url: str, revision: str = HEAD) -> None:
    """Upgrade the database at ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Downgrade the database at ``url`` to ``revision``."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest revision the packaged migrations define."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(_script_location())).get_current_head()


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
