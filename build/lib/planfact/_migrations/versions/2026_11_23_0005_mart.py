"""mart: export function, sales and plan-fact views, accuracy and the readable run registry.

Revision ID: 0005_mart
Revises: 0004_actuals
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact.db.objects import create_objects, drop_objects
from planfact.db.queries import statement

revision: str = "0005_mart"
down_revision: str | None = "0004_actuals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Dependency order: a view comes after the views it reads (drop_objects reverses it).
OBJECTS = [
    "mart/series_dim",
    "mart/series_level",
    "mart/sales_daily",
    "mart/sales_monthly",
    "mart/plan_fact_series_day",
    "mart/plan_fact_daily",
    "mart/plan_fact_monthly",
    "mart/forecast_accuracy",
    "mart/run_accuracy",
    "mart/run_registry",
    "mart/export_training",
]


def upgrade() -> None:
    bind = op.get_bind()
    create_objects(bind, OBJECTS)
    bind.connection.driver_connection.execute(statement("mart/grant"))


def downgrade() -> None:
    drop_objects(op.get_bind(), OBJECTS)
