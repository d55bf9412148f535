"""iso dates: a file's date is exactly YYYY-MM-DD, checked by core.iso_date, never cast leniently.

- core.iso_date(text): the day of exactly YYYY-MM-DD, null for any other text (the database
  twin of ``planfact.actuals.dates``); the staging computes sale_date from the file's text
  with it instead of PostgreSQL's date input, which takes ``today``, ``20150701``,
  ``2015-7-1``, ``infinity``...;
- core.is_valid_input, replaced: a date by core.iso_date; type 'number' (any numeric) so that
  the diagnosis tells a number out of range from text.

Revision ID: 0040_iso_dates
Revises: 0033_gross_wape
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact._migrations import frozen

revision: str = "0040_iso_dates"
down_revision: str | None = "0033_gross_wape"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ISO_DATE = ["0040_iso_dates/core/iso_date"]
IS_VALID_INPUT = ["0040_iso_dates/core/is_valid_input"]
IS_VALID_INPUT_BEFORE = ["0004_actuals/core/is_valid_input"]


def upgrade() -> None:
    bind = op.get_bind()
    frozen.create(bind, ISO_DATE + IS_VALID_INPUT)
    # 0003 granted on the functions that existed then
    op.execute("grant execute on function core.iso_date(text) to planfact_etl")


def downgrade() -> None:
    bind = op.get_bind()
    frozen.create(bind, IS_VALID_INPUT_BEFORE)  # (replaces it in place: same signature)
    frozen.drop(bind, ISO_DATE)
