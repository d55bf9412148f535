"""one WAPE: WAPE and bias over the gross actual (sum of |series-day actual|) in every mart view.

Net sales with returns make a series' (or a group's) month net zero or negative; dividing by
the net actual then gave a negative WAPE, which failed the mart's ``wape_not_negative`` test and
stopped the monthly job before training, while the report and README divided by the gross
actual. Now ``mart.plan_fact_monthly`` (v3), ``mart.forecast_accuracy`` (v2) and
``mart.run_accuracy`` (v3, read by ``mart.run_registry``) divide by the gross actual, and
``mart.plan_fact_daily`` (v2), ``mart.plan_fact_monthly`` and ``mart.forecast_accuracy`` carry it
as ``gross_actual`` (``mart.run_accuracy`` as ``actual_gross_total``), so the report reads it
from the mart instead of computing it again.

Revision ID: 0033_gross_wape
Revises: 0030_calendar_period
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact._migrations import frozen

revision: str = "0033_gross_wape"
down_revision: str | None = "0030_calendar_period"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Materialized views are dropped and made again (mart.run_registry with them: it reads
# mart.run_accuracy; its text, the one of 0030_run_flags, is the same on both sides).
BEFORE = [
    "0005_mart/mart/plan_fact_daily",
    "0030_calendar_period/mart/plan_fact_monthly",
    "0005_mart/mart/forecast_accuracy",
    "0030_calendar_period/mart/run_accuracy",
    "0030_run_flags/mart/run_registry",
]
AFTER = [
    "0033_gross_wape/mart/plan_fact_daily",
    "0033_gross_wape/mart/plan_fact_monthly",
    "0033_gross_wape/mart/forecast_accuracy",
    "0033_gross_wape/mart/run_accuracy",
    "0030_run_flags/mart/run_registry",
]


def _replace(old: list[str], new: list[str]) -> None:
    bind = op.get_bind()
    frozen.drop(bind, old)
    frozen.create(bind, new)
    frozen.run(bind, "0005_mart/grant")


def upgrade() -> None:
    _replace(BEFORE, AFTER)


def downgrade() -> None:
    _replace(AFTER, BEFORE)
