"""Add a calendar revision counter and an index on (state, release_time).

Why: every feed request asked three aggregates over all releases to learn whether its cached copy was
still good (11 ms at 20,000 releases, bench/calendar_feeds.py). A counter that every calendar write bumps,
and an index that finds the newest release already out in one probe, make that check constant-time.
The counter's single row is created here with the table: it is part of the table, not a backfill.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "calendar_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "revision": 0, "changed_at": datetime.now(UTC)}])
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.create_index("ix_release_state_release_at", ["state", "release_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_index("ix_release_state_release_at")
    op.drop_table("calendar_revision")
