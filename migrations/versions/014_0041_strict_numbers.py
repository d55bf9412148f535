"""strict numbers: a file's number is a plain decimal, checked by core.is_decimal, never cast leniently.

- core.is_decimal(text), core.is_integer(text): the database twins of
  ``planfact.actuals.numbers`` (PostgreSQL 16's numeric and integer input take ``0x10``,
  ``1_000``, a space at either end, ``+5``, ``.5``);
- core.is_valid_input, replaced: numbers and integers by those rules before their cast.

Revision ID: 0041_strict_numbers
Revises: 0040_iso_dates
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from planfact._migrations import frozen

revision: str = "0041_strict_numbers"
down_revision: str | None = "0040_iso_dates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RULES = ["0041_strict_numbers/core/is_decimal", "0041_strict_numbers/core/is_integer"]
IS_VALID_INPUT = ["0041_strict_numbers/core/is_valid_input"]
IS_VALID_INPUT_BEFORE = ["0040_iso_dates/core/is_valid_input"]


def upgrade() -> None:
    bind = op.get_bind()
    frozen.create(bind, RULES + IS_VALID_INPUT)
    # 0003 granted on the functions that existed then
    op.execute("grant execute on function core.is_decimal(text) to planfact_etl")
    op.execute("grant execute on function core.is_integer(text) to planfact_etl")


def downgrade() -> None:
    bind = op.get_bind()
    frozen.create(bind, IS_VALID_INPUT_BEFORE)  # (replaces it in place: same signature)
    frozen.drop(bind, RULES)
