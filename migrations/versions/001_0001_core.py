"""core schema: reference tables, data versions and the versioned daily actuals.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from planfact._migrations import frozen

revision: str = "0001_core"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBJECTS = ["0001_core/core/actuals_current", "0001_core/core/actuals_as_of"]
CALENDAR_RANGE = {"first_day": date(2000, 1, 1), "last_day": date(2040, 12, 31)}


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    for schema in ("core", "forecast", "mart"):
        op.execute(sa.schema.CreateSchema(schema, if_not_exists=True))

    op.create_table(
        "store",
        sa.Column("store_id", sa.Text, primary_key=True),
        sa.Column("store_name", sa.Text),
        sa.Column("city", sa.Text),
        sa.Column("state", sa.Text),
        sa.Column("store_type", sa.Text),
        sa.Column("cluster", sa.Text),
        sa.Column("assortment", sa.Text),
        sa.Column("attributes", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("updated_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=_now()),
        schema="core",
        comment="One row per store; attributes the source has beyond the named columns go to jsonb.",
    )
    op.create_table(
        "product_group",
        sa.Column("group_id", sa.Text, primary_key=True),
        sa.Column("group_name", sa.Text),
        sa.Column("category", sa.Text),
        schema="core",
        comment="One row per product group; sources without groups use the single group 'all'.",
    )
    op.create_table(
        "series",
        sa.Column("series_id", sa.Integer, sa.Identity(always=False), primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("core.store.store_id"), nullable=False),
        sa.Column("group_id", sa.Text, sa.ForeignKey("core.product_group.group_id"), nullable=False),
        sa.UniqueConstraint("store_id", "group_id", name="series_store_group_key"),
        schema="core",
        comment="One row per forecast series (store x product group); a compact key for facts.",
    )
    op.create_table(
        "calendar",
        sa.Column("calendar_date", sa.Date, primary_key=True),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("month", sa.SmallInteger, nullable=False),
        sa.Column("day", sa.SmallInteger, nullable=False),
        sa.Column("day_of_week", sa.SmallInteger, nullable=False, comment="ISO: 1 Monday .. 7 Sunday"),
        sa.Column("iso_week", sa.SmallInteger, nullable=False),
        sa.Column("is_weekend", sa.Boolean, nullable=False),
        sa.Column("is_holiday", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_event", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("holiday_name", sa.Text),
        schema="core",
        comment="One row per day; national holiday and event flags come from core.holiday.",
    )
    op.create_table(
        "holiday",
        sa.Column("holiday_id", sa.Integer, sa.Identity(always=False), primary_key=True),
        sa.Column("holiday_date", sa.Date, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("locale_name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("transferred", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.CheckConstraint("scope in ('national', 'regional', 'local')", name="holiday_scope_check"),
        sa.UniqueConstraint("holiday_date", "locale_name", "description", name="holiday_day_key"),
        schema="core",
        comment="One row per holiday or event and locale (national, a state or a city).",
    )
    op.create_table(
        "data_version",
        sa.Column("version_id", sa.Integer, sa.Identity(always=False), primary_key=True),
        sa.Column("loaded_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=_now()),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.CHAR(64), nullable=False),
        sa.Column("layout", sa.Text, nullable=False),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("rows_in_file", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_inserted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_restated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
        sa.Column("loaded_by", sa.Text, nullable=False, server_default=sa.text("current_user")),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("source_sha256", name="data_version_sha256_key"),
        schema="core",
        comment="One row per load that changed the actuals: the numbered data version.",
    )
    op.create_table(
        "data_version_month",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("core.data_version.version_id"), primary_key=True),
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("row_count", sa.BigInteger, nullable=False),
        sa.Column("sales_total", sa.Numeric, nullable=False),
        sa.Column("checksum", sa.Text, nullable=False),
        schema="core",
        comment="One row per version and calendar month: content checksum of the data as of that version.",
    )
    op.create_table(
        "actuals",
        sa.Column("series_id", sa.Integer, sa.ForeignKey("core.series.series_id"), nullable=False),
        sa.Column("sale_date", sa.Date, nullable=False),
        sa.Column("sales", sa.Numeric(18, 4), nullable=False),
        sa.Column("promo", sa.Integer, nullable=False, server_default="0"),
        sa.Column("is_open", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("state_holiday", sa.Text),
        sa.Column("school_holiday", sa.Boolean),
        sa.Column("customers", sa.Integer),
        sa.Column(
            "valid_from_version", sa.Integer, sa.ForeignKey("core.data_version.version_id"), nullable=False
        ),
        sa.Column("valid_to_version", sa.Integer, sa.ForeignKey("core.data_version.version_id")),
        sa.PrimaryKeyConstraint("series_id", "sale_date", "valid_from_version", name="actuals_pkey"),
        sa.CheckConstraint("sales >= 0", name="actuals_sales_nonnegative"),
        sa.CheckConstraint(
            "valid_to_version is null or valid_to_version > valid_from_version", name="actuals_validity"
        ),
        schema="core",
        comment="Append-only daily facts: one row per series, day and version that wrote it.",
    )
    # One current row per key: the restatement logic relies on it and reads use it. No INCLUDE
    # columns: no read is index-only (every reader wants more columns than a covering list would
    # hold), and a narrower index builds and grows faster on each load.
    op.create_index(
        "actuals_current_key",
        "actuals",
        ["series_id", "sale_date"],
        unique=True,
        schema="core",
        postgresql_where=sa.text("valid_to_version is null"),
    )
    op.create_index(
        "actuals_valid_to",
        "actuals",
        ["valid_to_version"],
        schema="core",
        postgresql_where=sa.text("valid_to_version is not null"),
    )
    # Date-range reads (a month of the mart, a load's touched months) over rows appended month by
    # month in date order: a BRIN index serves them at a fraction of a btree's build and insert cost.
    op.create_index("actuals_sale_date", "actuals", ["sale_date"], schema="core", postgresql_using="brin")
    op.create_table(
        "rejected_row",
        sa.Column("rejected_id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("core.data_version.version_id"), nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("column_name", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("raw_line", sa.Text),
        schema="core",
        comment="Rows refused by a --quarantine load, with the reason, linked to the version.",
    )
    bind = op.get_bind()
    frozen.run(bind, "0001_core/calendar_fill", CALENDAR_RANGE)
    frozen.create(bind, OBJECTS)


def downgrade() -> None:
    frozen.drop(op.get_bind(), OBJECTS)
    for table in (
        "rejected_row",
        "actuals",
        "data_version_month",
        "data_version",
        "holiday",
        "calendar",
        "series",
        "product_group",
        "store",
    ):
        op.drop_table(table, schema="core")
    for schema in ("mart", "forecast", "core"):
        op.execute(sa.schema.DropSchema(schema, if_exists=True))
