"""Add ``data_table.aggregallowed``: PX AGGREGALLOWED, whether a table's cells may be summed.

Why: issue 6. An aggregation code list (``agg_…``, classic ``agg:``/``agg_all:``) sums cells; a table
whose PX file says AGGREGALLOWED=NO (indices, averages, rates) is refused such a sum, as PxWeb refuses
it, and JSON-stat's ``extension.px.aggregallowed`` says so. Existing tables keep summing (YES).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode copies data_table and drops the old one,
    # and with foreign keys on that drop would cascade to every table's variables and code list links.
    op.add_column(
        "data_table",
        sa.Column("aggregallowed", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("data_table", "aggregallowed")
