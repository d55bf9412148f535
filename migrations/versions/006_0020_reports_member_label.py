"""mart.member_label: the human name of every level member (reports show it beside the id).

Revision ID: 0020_reports_member_label
Revises: 0005_mart
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact._migrations import frozen

revision: str = "0020_reports_member_label"
down_revision: str | None = "0005_mart"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBJECTS = ["0020_reports_member_label/mart/member_label"]


def upgrade() -> None:
    bind = op.get_bind()
    frozen.create(bind, OBJECTS)
    frozen.run(bind, "0005_mart/grant")


def downgrade() -> None:
    frozen.drop(op.get_bind(), OBJECTS)
