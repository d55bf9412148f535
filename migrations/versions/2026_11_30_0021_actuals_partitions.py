"""actuals partitions: core.actuals partitioned by data version (one partition per load).

A load that only adds days (the first full history, a monthly increment) builds its
version's partition in its own transaction: a fresh table filled by one ``COPY`` (FREEZE),
its indexes built from sorted rows, then attached (see ``planfact.actuals.straight``). Every
other load inserts through the parent. ``core.actuals_default`` takes the rows of versions
without a partition of their own. The existing rows move into one partition per version.

Revision ID: 0021_actuals_partitions
Revises: 0010_lifecycle_lease
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact.db.queries import sql_file

revision: str = "0021_actuals_partitions"
down_revision: str | None = "0010_lifecycle_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _run(step: str) -> None:
    driver = op.get_bind().connection.driver_connection
    driver.execute(sql_file(f"migrations/0021_actuals_partitions.{step}.sql"))


def upgrade() -> None:
    _run("upgrade")


def downgrade() -> None:
    _run("downgrade")
