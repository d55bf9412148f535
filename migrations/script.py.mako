"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
# The SQL this migration runs (views, functions, grants, data steps) is a frozen copy under
# migrations/sql/${up_revision}/, run with planfact._migrations.frozen (create/drop/run); a
# migration imports nothing else of planfact and never reads sql/. Name this file
# NNN_${up_revision}.py, NNN its place in the chain (tests/unit/test_sql_layout.py).

revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
