"""forecast.run_excluded_series: the series a run left out, and why.

A monthly run does not plan a discontinued series (no actual in the
``PLANFACT_DISCONTINUED_DAYS`` days up to the cutoff); it records each one here with
the day of its last actual, so ``planfact runs show`` and the plan-vs-actual report
can say which series have no plan and why.

Revision ID: 0030_run_excluded_series
Revises: 0010_lifecycle_lease
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from planfact._migrations import frozen

revision: str = "0030_run_excluded_series"
down_revision: str | None = "0010_lifecycle_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "run_excluded_series",
        # the record of a run goes with its run
        sa.Column("run_id", sa.BigInteger, sa.ForeignKey("forecast.run.run_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("core.series.series_id"), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False, comment="why it was not planned: discontinued"),
        sa.Column("last_actual_date", sa.Date, comment="its last actual up to the run's cutoff"),
        sa.CheckConstraint("reason in ('discontinued')", name="run_excluded_series_reason_check"),
        schema="forecast",
        comment="One row per run and series the run left out of its plan (with the reason).",
    )
    frozen.run(op.get_bind(), "0030_run_excluded_series/upgrade")


def downgrade() -> None:
    op.drop_table("run_excluded_series", schema="forecast")
