"""forecast schema: run registry, model catalogue, backtests, selection, forecasts, plans, reports.

Revision ID: 0002_forecast
Revises: 0001_core
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from planfact._migrations import frozen

revision: str = "0002_forecast"
down_revision: str | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBJECTS = ["0002_forecast/forecast/plan_of_record"]
RUN_FK = "forecast.run.run_id"


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "model_version",
        sa.Column("model_version_id", sa.Text, primary_key=True, comment="hash of spec, params, libraries"),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("params", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("library_versions", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=_now()),
        schema="forecast",
        comment="One row per distinct model specification ever used (the model catalogue).",
    )
    op.create_table(
        "run",
        sa.Column("run_id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("target_month", sa.Date, nullable=False),
        sa.Column("data_version", sa.Integer, sa.ForeignKey("core.data_version.version_id"), nullable=False),
        sa.Column("model_version", sa.Text, comment="hash of the experiments config and library versions"),
        sa.Column("code_version", sa.Text, nullable=False),
        sa.Column("config", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("config_sha256", sa.CHAR(64)),
        sa.Column("params", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("metrics", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("status", sa.Text, nullable=False, server_default="running"),
        sa.Column("error", sa.Text),
        sa.Column("shard_count", sa.Integer, nullable=False, server_default="1"),
        sa.Column("started_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=_now()),
        sa.Column("finished_at", sa.TIMESTAMP(timezone=True)),
        sa.Column("host", sa.Text),
        sa.Column("started_by", sa.Text, nullable=False, server_default=sa.text("current_user")),
        sa.CheckConstraint("kind in ('experiment', 'production')", name="run_kind_check"),
        sa.CheckConstraint("status in ('running', 'succeeded', 'failed')", name="run_status_check"),
        sa.CheckConstraint("extract(day from target_month) = 1", name="run_target_month_first_day"),
        sa.CheckConstraint("shard_count >= 1", name="run_shard_count_check"),
        schema="forecast",
        comment="The run registry: one row per forecasting run.",
    )
    op.create_index("run_month_status", "run", ["target_month", "status"], schema="forecast")
    op.create_table(
        "run_shard",
        sa.Column("run_id", sa.BigInteger, sa.ForeignKey(RUN_FK), primary_key=True),
        sa.Column("shard_index", sa.Integer, primary_key=True),
        sa.Column("status", sa.Text, nullable=False, server_default="running"),
        sa.Column("series_count", sa.Integer),
        sa.Column("started_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=_now()),
        sa.Column("finished_at", sa.TIMESTAMP(timezone=True)),
        sa.Column("host", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("timings", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.CheckConstraint("status in ('running', 'succeeded', 'failed')", name="run_shard_status_check"),
        schema="forecast",
        comment="One row per run and shard (1-based); an unsharded run has shard 1 of 1.",
    )
    op.create_table(
        "backtest_metric",
        sa.Column("run_id", sa.BigInteger, sa.ForeignKey(RUN_FK), nullable=False),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("core.series.series_id"), nullable=False),
        sa.Column(
            "model_version_id",
            sa.Text,
            sa.ForeignKey("forecast.model_version.model_version_id"),
            nullable=False,
        ),
        sa.Column("fold", sa.SmallInteger, nullable=False),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("value", sa.Float(53)),
        sa.PrimaryKeyConstraint(
            "run_id", "series_id", "model_version_id", "fold", "metric", name="backtest_metric_pkey"
        ),
        schema="forecast",
        comment="Evidence: one row per run, series, candidate model, backtest fold and metric.",
    )
    op.create_table(
        "selection",
        sa.Column("run_id", sa.BigInteger, sa.ForeignKey(RUN_FK), primary_key=True),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("core.series.series_id"), primary_key=True),
        sa.Column(
            "model_version_id",
            sa.Text,
            sa.ForeignKey("forecast.model_version.model_version_id"),
            nullable=False,
        ),
        sa.Column("score", sa.Float(53)),
        sa.Column("reason", sa.Text, nullable=False),
        schema="forecast",
        comment="One row per run and series: the chosen model and why.",
    )
    op.create_table(
        "forecast_value",
        sa.Column("run_id", sa.BigInteger, sa.ForeignKey(RUN_FK), nullable=False),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("core.series.series_id"), nullable=False),
        sa.Column("forecast_date", sa.Date, nullable=False),
        sa.Column("model_version_id", sa.Text, nullable=False),
        sa.Column("yhat", sa.Float(53), nullable=False),
        sa.Column("lo_80", sa.Float(53)),
        sa.Column("hi_80", sa.Float(53)),
        sa.Column("lo_95", sa.Float(53)),
        sa.Column("hi_95", sa.Float(53)),
        sa.PrimaryKeyConstraint("run_id", "series_id", "forecast_date", name="forecast_value_pkey"),
        schema="forecast",
        comment="Append-only daily forecasts: one row per run, series and day, with interval bounds.",
    )
    op.create_table(
        "plan_assignment",
        sa.Column("target_month", sa.Date, nullable=False),
        sa.Column("run_id", sa.BigInteger, sa.ForeignKey(RUN_FK), nullable=False),
        sa.Column(
            "assigned_at",
            sa.TIMESTAMP(timezone=True),
            nullable=False,
            server_default=sa.text("clock_timestamp()"),
        ),
        sa.Column("assigned_by", sa.Text, nullable=False, server_default=sa.text("current_user")),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("target_month", "assigned_at", name="plan_assignment_pkey"),
        schema="forecast",
        comment="Append-only log of plan-of-record assignments; forecast.plan_of_record is the current one.",
    )
    op.create_table(
        "report",
        sa.Column("report_id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
        sa.Column("target_month", sa.Date, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("plan_run_id", sa.BigInteger, sa.ForeignKey(RUN_FK), nullable=False),
        sa.Column("data_version", sa.Integer, sa.ForeignKey("core.data_version.version_id"), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("sha256", sa.CHAR(64), nullable=False),
        sa.Column("params", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=_now()),
        sa.Column("created_by", sa.Text, nullable=False, server_default=sa.text("current_user")),
        sa.CheckConstraint("format in ('xlsx', 'html')", name="report_format_check"),
        schema="forecast",
        comment="The report registry: one row per rendered report file.",
    )
    frozen.create(op.get_bind(), OBJECTS)


def downgrade() -> None:
    frozen.drop(op.get_bind(), OBJECTS)
    for table in (
        "report",
        "plan_assignment",
        "forecast_value",
        "selection",
        "backtest_metric",
        "run_shard",
        "run",
        "model_version",
    ):
        op.drop_table(table, schema="forecast")
