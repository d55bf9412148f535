"""mart: export function, sales and plan-fact views, accuracy and the readable run registry.

Revision ID: 0005_mart
Revises: 0004_actuals
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact._migrations import frozen

revision: str = "0005_mart"
down_revision: str | None = "0004_actuals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Dependency order: a view comes after the views it reads (frozen.drop reverses it).
OBJECTS = [
    "0005_mart/mart/series_dim",
    "0005_mart/mart/series_level",
    "0005_mart/mart/sales_daily",
    "0005_mart/mart/sales_monthly",
    "0005_mart/mart/plan_fact_series_day",
    "0005_mart/mart/plan_fact_daily",
    "0005_mart/mart/plan_fact_monthly",
    "0005_mart/mart/forecast_accuracy",
    "0005_mart/mart/run_accuracy",
    "0005_mart/mart/run_registry",
    "0005_mart/mart/export_training",
]


def upgrade() -> None:
    bind = op.get_bind()
    frozen.create(bind, OBJECTS)
    frozen.run(bind, "0005_mart/grant")


def downgrade() -> None:
    frozen.drop(op.get_bind(), OBJECTS)
