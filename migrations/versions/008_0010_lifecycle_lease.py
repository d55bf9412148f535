"""lifecycle: heartbeats of runs and shards (the liveness lease).

A process working on a run or a shard refreshes ``heartbeat_at`` every
``PLANFACT_HEARTBEAT_SECONDS``; together with the advisory locks it holds (seen in
``pg_locks``) it tells a live run from one whose process is gone, and the failure
message of an abandoned run names its last heartbeat.

Revision ID: 0010_lifecycle_lease
Revises: 0006_ingest_contracts
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_lifecycle_lease"
down_revision: str | None = "0006_ingest_contracts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("run", "run_shard")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column(
                "heartbeat_at",
                sa.TIMESTAMP(timezone=True),
                comment="last sign of life of the process working on it (null: none since it started)",
            ),
            schema="forecast",
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "heartbeat_at", schema="forecast")
