"""roles: planfact_etl writes core and forecast, planfact_reader reads mart and the registry.

Revision ID: 0003_roles
Revises: 0002_forecast
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact._migrations import frozen

revision: str = "0003_roles"
down_revision: str | None = "0002_forecast"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _run(name: str) -> None:
    frozen.run(op.get_bind(), f"0003_roles/{name}")


def upgrade() -> None:
    _run("create_roles")
    _run("grant")


def downgrade() -> None:
    _run("revoke")
