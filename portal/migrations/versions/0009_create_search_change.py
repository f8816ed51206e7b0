"""Create the shared queue of search-index changes.

Why: issue 7. With the portal on several machines, each machine keeps its own whoosh index; a commit on
one machine writes the items it changed to this table in the same transaction, and every machine's
``portal search follow`` replays them into its index.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_change")),
    )
    with op.batch_alter_table("search_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_change_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_change_at"))
    op.drop_table("search_change")
