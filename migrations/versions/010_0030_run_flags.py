"""run flags: per-series flags of a run (cold start, fallback, model error) and run warnings.

``forecast.series_flag`` holds one row per (run, series, flag) with its reason, written by
the shard that forecast the series; ``forecast.run_shard.warnings`` a shard's warnings (a global
model failed, every candidate broke a constraint, percentage metrics skipped days, ...) and
``forecast.run.warnings`` those of all shards, set by finalize. ``mart.run_registry`` v2
shows both (warnings, flagged_series, flags).

Revision ID: 0030_run_flags
Revises: 0030_run_excluded_series
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from planfact._migrations import frozen

revision: str = "0030_run_flags"
down_revision: str | None = "0030_run_excluded_series"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAGS = ("cold_start", "fallback", "model_error")


TABLES = ("run", "run_shard")
REGISTRY = "0030_run_flags/mart/run_registry"
REGISTRY_BEFORE = "0005_mart/mart/run_registry"


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("warnings", postgresql.ARRAY(sa.Text()), nullable=False,
                      server_default=sa.text("'{}'::text[]"),
                      comment="sentences about the whole run (or shard) the engine reported"),
            schema="forecast",
        )
    op.create_table(
        "series_flag",
        sa.Column("run_id", sa.BigInteger(), sa.ForeignKey("forecast.run.run_id"), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("flag", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "series_id", "flag", "reason"),
        sa.CheckConstraint(f"flag in ({', '.join(repr(f) for f in FLAGS)})",
                           name="series_flag_known"),
        schema="forecast",
        comment="grain: one row per run, series and flag: why a series' forecast is not the plain "
                "selection (cold_start, fallback) or which model raised for it (model_error)",
    )
    bind = op.get_bind()
    frozen.create(bind, [REGISTRY])
    frozen.run(bind, "0030_run_flags/grant_series_flag")
    frozen.run(bind, "0005_mart/grant")


def downgrade() -> None:
    bind = op.get_bind()
    frozen.drop(bind, [REGISTRY])
    frozen.create(bind, [REGISTRY_BEFORE])
    frozen.run(bind, "0005_mart/grant")
    op.drop_table("series_flag", schema="forecast")
    for table in TABLES:
        op.drop_column(table, "warnings", schema="forecast")
