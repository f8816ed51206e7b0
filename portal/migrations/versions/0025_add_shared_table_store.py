"""Add the shared table store (issue 23): ``table_cells`` and ``table_files``.

Why: the cells of each table revision and the built whole-table files lived only in the instance
folder of the machine that took the upload, so a second machine answered 404 or stale. On PostgreSQL
they are kept in the database in parts of a few MiB, and each machine's files are a cache of them.
The tables are made on every engine (one schema everywhere); on SQLite they stay empty.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "table_cells",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("revision", sa.String(16), primary_key=True),
        sa.Column("part", sa.Integer(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "table_files",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("revision", sa.String(16), primary_key=True),
        sa.Column("format", sa.String(20), primary_key=True),
        sa.Column("part", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("table_files")
    op.drop_table("table_cells")
