"""actuals: planned exogenous values (versioned), row checks, month checksums and their verification.

Revision ID: 0004_actuals
Revises: 0003_roles
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from planfact._migrations import frozen

revision: str = "0004_actuals"
down_revision: str | None = "0003_roles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Order matters: actuals_row_problem calls promo_value; verify calls the checksums.
OBJECTS = [
    "0004_actuals/core/promo_value",
    "0004_actuals/core/actuals_row_problem",
    "0004_actuals/core/is_valid_input",
    "0004_actuals/core/actuals_month_checksums",
    "0004_actuals/core/verify_data_version",
    "0004_actuals/core/planned_current",
    "0004_actuals/core/planned_as_of",
]
VERSION_FK = "core.data_version.version_id"


def upgrade() -> None:
    op.create_table(
        "planned_exogenous",
        sa.Column("series_id", sa.Integer, sa.ForeignKey("core.series.series_id"), nullable=False),
        sa.Column("plan_date", sa.Date, nullable=False),
        sa.Column("promo", sa.Integer),
        sa.Column("is_open", sa.Boolean),
        sa.Column("state_holiday", sa.Text),
        sa.Column("school_holiday", sa.Boolean),
        sa.Column("valid_from_version", sa.Integer, sa.ForeignKey(VERSION_FK), nullable=False),
        sa.Column("valid_to_version", sa.Integer, sa.ForeignKey(VERSION_FK)),
        sa.PrimaryKeyConstraint(
            "series_id", "plan_date", "valid_from_version", name="planned_exogenous_pkey"
        ),
        sa.CheckConstraint("promo >= 0", name="planned_exogenous_promo_nonnegative"),
        sa.CheckConstraint(
            "valid_to_version is null or valid_to_version > valid_from_version",
            name="planned_exogenous_validity",
        ),
        schema="core",
        comment="Append-only known future flags (promo, open, holidays) per series and day, by data version.",
    )
    op.create_index(
        "planned_exogenous_current_key",
        "planned_exogenous",
        ["series_id", "plan_date"],
        unique=True,
        schema="core",
        postgresql_where=sa.text("valid_to_version is null"),
    )
    op.create_index("planned_exogenous_plan_date", "planned_exogenous", ["plan_date"], schema="core")
    bind = op.get_bind()
    frozen.create(bind, OBJECTS)
    # 0003 granted on the tables and functions that existed then; grant the new ones explicitly
    # (default privileges apply only to objects created by the role that set them).
    op.execute("grant select, insert, update on core.planned_exogenous to planfact_etl")
    op.execute("grant select on core.planned_current to planfact_etl")
    op.execute("grant execute on all functions in schema core to planfact_etl")


def downgrade() -> None:
    frozen.drop(op.get_bind(), OBJECTS)
    op.drop_table("planned_exogenous", schema="core")
