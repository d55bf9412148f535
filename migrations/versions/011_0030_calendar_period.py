"""calendar: the installation's calendar of periods, recorded at first use; the mart groups by it.

``core.calendar_setting`` (one row) records the calendar planfact runs on (``PLANFACT_CALENDAR``
and the fiscal settings) and ``core.calendar_period`` its periods (calendar months or the
periods of a 4-4-5 / 4-5-4 / 5-4-4 fiscal calendar), both filled by the application the first
time it uses the database (``planfact.calendars.record_calendar``), never here; until then
the system runs on calendar months. ``core.calendar.period_start`` maps each day to its period
so views group by periods with a plain join, and ``core.period_end(day)`` gives a period's
last day. The monthly mart views, the plan-fact base view and the export function read them.

Revision ID: 0030_calendar_period
Revises: 0030_run_flags
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from planfact._migrations import frozen

revision: str = "0030_calendar_period"
down_revision: str | None = "0030_run_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Materialized views (and the view on one of them) are dropped and made again; plain views and
# the function are replaced in place (same columns). mart.run_registry is only rebuilt (it reads
# run_accuracy): its text is the one of 0030_run_flags on both sides of this migration.
REBUILT_BEFORE = ["0005_mart/mart/sales_monthly", "0005_mart/mart/plan_fact_monthly",
                  "0005_mart/mart/run_accuracy", "0030_run_flags/mart/run_registry"]
REBUILT_AFTER = ["0030_calendar_period/mart/sales_monthly", "0030_calendar_period/mart/plan_fact_monthly",
                 "0030_calendar_period/mart/run_accuracy", "0030_run_flags/mart/run_registry"]
REPLACED_BEFORE = ["0005_mart/mart/sales_daily", "0005_mart/mart/plan_fact_series_day",
                   "0005_mart/mart/export_training"]
REPLACED_AFTER = ["0030_calendar_period/mart/sales_daily", "0030_calendar_period/mart/plan_fact_series_day",
                  "0030_calendar_period/mart/export_training"]
PERIOD_END = ["0030_calendar_period/core/period_end"]


def upgrade() -> None:
    op.create_table(
        "calendar_setting",
        sa.Column("singleton", sa.Boolean, primary_key=True, server_default=sa.true()),
        sa.Column("kind", sa.Text, nullable=False, comment="month, 445, 454 or 544"),
        sa.Column("spec", sa.Text, nullable=False,
                  comment="the whole definition, e.g. 445 year-end jan, weeks end fri (last)"),
        sa.Column("recorded_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("singleton", name="calendar_setting_one_row"),
        schema="core",
        comment="The installation's calendar (one row), recorded by planfact at first use.",
    )
    op.create_table(
        "calendar_period",
        sa.Column("period_id", sa.Integer, primary_key=True, comment="fiscal_year * 100 + period_number"),
        sa.Column("label", sa.Text, nullable=False, unique=True, comment="2015-07 or FY2012-P10"),
        sa.Column("period_start", sa.Date, nullable=False, unique=True),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("weeks", sa.SmallInteger, comment="null for calendar months"),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("period_number", sa.SmallInteger, nullable=False),
        sa.CheckConstraint("period_end >= period_start", name="calendar_period_order"),
        sa.CheckConstraint("period_number between 1 and 12", name="calendar_period_number"),
        schema="core",
        comment="One row per period of the installation's calendar (months or fiscal periods).",
    )
    op.add_column(
        "calendar",
        sa.Column("period_start", sa.Date, sa.ForeignKey("core.calendar_period.period_start"),
                  comment="first day of the day's period (null until the calendar is recorded)"),
        schema="core",
    )
    # 0003 granted on the tables and functions that existed then; grant the new ones explicitly
    op.execute("grant select, insert, update on core.calendar_setting, core.calendar_period to planfact_etl")
    bind = op.get_bind()
    frozen.create(bind, PERIOD_END)
    op.execute("grant execute on all functions in schema core to planfact_etl")
    frozen.drop(bind, REBUILT_BEFORE)
    frozen.create(bind, REPLACED_AFTER + REBUILT_AFTER)
    frozen.run(bind, "0005_mart/grant")
    # A run's month is the first day of a period of the calendar (checked by planfact.periods
    # when it is given), no longer always the 1st of a calendar month.
    op.drop_constraint("run_target_month_first_day", "run", schema="forecast", type_="check")


def downgrade() -> None:
    op.create_check_constraint("run_target_month_first_day", "run", "extract(day from target_month) = 1",
                               schema="forecast")
    bind = op.get_bind()
    frozen.drop(bind, REBUILT_AFTER)
    frozen.create(bind, REPLACED_BEFORE + REBUILT_BEFORE)
    frozen.run(bind, "0005_mart/grant")
    frozen.drop(bind, PERIOD_END)
    op.drop_column("calendar", "period_start", schema="core")
    op.drop_table("calendar_period", schema="core")
    op.drop_table("calendar_setting", schema="core")
