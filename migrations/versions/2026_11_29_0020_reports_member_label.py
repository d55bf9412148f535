"""mart.member_label: the human name of every level member (reports show it beside the id).

Revision ID: 0020_reports_member_label
Revises: 0005_mart
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact.db.objects import create_objects, drop_objects
from planfact.db.queries import statement

revision: str = "0020_reports_member_label"
down_revision: str | None = "0005_mart"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBJECTS = ["mart/member_label"]


def upgrade() -> None:
    bind = op.get_bind()
    create_objects(bind, OBJECTS)
    bind.connection.driver_connection.execute(statement("mart/grant"))


def downgrade() -> None:
    drop_objects(op.get_bind(), OBJECTS)
