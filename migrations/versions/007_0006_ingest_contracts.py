"""ingest contracts: finite sales and returns, typed holiday flags, file sets, re-sent files, kept rejects.

- core.actuals: the check ``sales >= 0`` becomes ``sales <> 'NaN'``: negative sales (returns)
  are allowed where a layout declares them (the row rules decide), NaN never;
- core.flag_value / core.holiday_value: flags parsed into their declared type; the row rules
  (core.actuals_row_problem v2) check finite sales, returns, the calendar range, holiday domains;
- core.data_version_file: the files of a version (a multi-file load is one version); the
  sha256 of a file is no longer unique, since a file re-sent after a restatement is applied again;
- core.rejected_row: rejects of a load that created no version are kept too (version_id null),
  with the file's sha256 and when.

Revision ID: 0006_ingest_contracts
Revises: 0020_reports_member_label
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from planfact._migrations import frozen

revision: str = "0006_ingest_contracts"
down_revision: str | None = "0020_reports_member_label"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_OBJECTS = ["0006_ingest_contracts/core/flag_value", "0006_ingest_contracts/core/holiday_value"]
ROW_PROBLEM_V1 = ["0004_actuals/core/actuals_row_problem"]
ROW_PROBLEM_V2 = ["0006_ingest_contracts/core/actuals_row_problem"]
VERSION_FK = "core.data_version.version_id"


def _run(step: str) -> None:
    frozen.run(op.get_bind(), f"0006_ingest_contracts/{step}")


def upgrade() -> None:
    op.drop_constraint("actuals_sales_nonnegative", "actuals", schema="core", type_="check")
    op.create_check_constraint("actuals_sales_finite", "actuals", "sales <> 'NaN'", schema="core")

    op.drop_constraint("data_version_sha256_key", "data_version", schema="core", type_="unique")
    op.create_index("data_version_sha256", "data_version", ["source_sha256"], schema="core")
    op.create_table(
        "data_version_file",
        # the files are part of their version: they go with it
        sa.Column("version_id", sa.Integer, sa.ForeignKey(VERSION_FK, ondelete="CASCADE"), nullable=False),
        sa.Column("file_no", sa.SmallInteger, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.CHAR(64), nullable=False),
        sa.Column("layout", sa.Text, nullable=False),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("rows_in_file", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("version_id", "file_no", name="data_version_file_pkey"),
        schema="core",
        comment="One row per file of a data version (a multi-file load is one version).",
    )
    op.create_index("data_version_file_sha256", "data_version_file", ["source_sha256"], schema="core")

    op.alter_column("rejected_row", "version_id", nullable=True, schema="core")
    op.add_column("rejected_row", sa.Column("source_sha256", sa.CHAR(64)), schema="core")
    rejected_at = sa.Column(
        "rejected_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=sa.text("now()")
    )
    op.add_column("rejected_row", rejected_at, schema="core")

    bind = op.get_bind()
    frozen.drop(bind, ROW_PROBLEM_V1)
    frozen.create(bind, NEW_OBJECTS + ROW_PROBLEM_V2)
    _run("upgrade")


def downgrade() -> None:
    bind = op.get_bind()
    frozen.drop(bind, ROW_PROBLEM_V2)
    frozen.drop(bind, NEW_OBJECTS)
    frozen.create(bind, ROW_PROBLEM_V1)
    _run("downgrade")
    op.drop_column("rejected_row", "rejected_at", schema="core")
    op.drop_column("rejected_row", "source_sha256", schema="core")
    op.alter_column("rejected_row", "version_id", nullable=False, schema="core")
    op.drop_table("data_version_file", schema="core")
    op.drop_index("data_version_sha256", "data_version", schema="core")
    # (fails, naming the sha256, where a file was re-sent and applied again: two versions, one file)
    op.create_unique_constraint("data_version_sha256_key", "data_version", ["source_sha256"], schema="core")
    op.drop_constraint("actuals_sales_finite", "actuals", schema="core", type_="check")
    # Returns loaded since then cannot pass the old rule: it comes back for new rows only.
    op.create_check_constraint(
        "actuals_sales_nonnegative", "actuals", "sales >= 0", schema="core", postgresql_not_valid=True
    )
