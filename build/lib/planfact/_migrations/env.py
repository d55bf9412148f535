"""alembic environment: online migrations only, URL from the caller or the settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from planfact.config import get_settings
from planfact.db.connect import sqlalchemy_url
from planfact.db.server import resolve_url

config = context.config


def _url() -> str:
    given = config.attributes.get("database_url")
    if given:
        return str(given)
    return sqlalchemy_url(resolve_url(get_settings()))


def run_migrations_online() -> None:
    """Run every pending migration in one transaction (PostgreSQL has transactional DDL)."""
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=False)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("planfact migrations run online only: use `planfact db upgrade`")
run_migrations_online()
