"""Add ``data_table.showdecimals``: PX SHOWDECIMALS, the decimals people are shown.

Why: issue 21, "precision kept everywhere". Exports now keep every digit a cell carries, and DECIMALS,
SHOWDECIMALS and PRECISION travel as metadata, written back in PX output. DECIMALS was stored
(``decimals``) and each contents value's PRECISION-or-SHOWDECIMALS (``units``), but not SHOWDECIMALS
itself, so a PX file read back lost it. Existing tables have none (NULL): their PX output writes
DECIMALS and PRECISION as before.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode, as 0012: batch mode on SQLite copies data_table and drops
    # the old one, which would cascade to every table's variables.
    op.add_column("data_table", sa.Column("showdecimals", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("data_table", "showdecimals")
