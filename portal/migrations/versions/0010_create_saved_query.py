"""Create PxWebApi 2.0 saved queries.

Why: issue 6. /api/pxwebapi/v2/savedqueries stores a selection of a table under an id that anyone can
run again (SSB's statistics bank links use them).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_query",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("table_id", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("output_format", sa.String(length=20), nullable=True),
        sa.Column("output_format_params", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["data_table.id"],
            name=op.f("fk_saved_query_table_id_data_table"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_query")),
    )
    with op.batch_alter_table("saved_query", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_query_table_id"), ["table_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("saved_query", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_query_table_id"))
    op.drop_table("saved_query")
