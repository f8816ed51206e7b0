"""Add ``data_table.public_id``: the table id people and programs use, which two rows share while a new
revision of a public table waits for its release.

Why: issue 19. Uploading the next revision of a public table for a coming release replaced the row, so the
table the public had vanished (404 in the pages and both APIs, gone from search and the catalogue) until
that release. Now the revision the public sees stays, as a row of its own under a private key, until the
release time of the one that replaces it: visibility is still computed from release times
(``pxbridge.service.visible``), never flipped by a job. ``id`` remains the row's key (the table id for a
table's latest upload, so everything that points at a table by id still does) and ``public_id`` is the
table id of every row. A data backfill sets it to ``id`` for the rows stored before.

Plain ADD COLUMN and CREATE INDEX (as 0019): batch mode on SQLite would copy the table and cascade.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "data_table",
        sa.Column("public_id", sa.String(40), nullable=False, server_default=""),
    )
    tables = sa.table("data_table", sa.column("id", sa.String), sa.column("public_id", sa.String))
    op.execute(tables.update().values(public_id=tables.c.id))
    op.create_index("ix_data_table_public_id", "data_table", ["public_id"])


def downgrade() -> None:
    # The rows kept for the public while a new revision waited go with the column.
    tables = sa.table("data_table", sa.column("id", sa.String), sa.column("public_id", sa.String))
    op.execute(tables.delete().where(tables.c.id != tables.c.public_id))
    op.drop_index("ix_data_table_public_id", table_name="data_table")
    op.drop_column("data_table", "public_id")
