"""Add ``statistic.main_table_id`` and ``statistic.headline``: the key figures a statistic's page leads with.

Why: issue 18, "the statistic page as the hub". The page shows the headline values of the statistic's main
table with the change from the previous period; its producer chooses the table and the series. Both are
NULL until chosen: the page then takes the statistic's first table and its first contents value.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, not batch mode (as 0012, 0015 and 0016): batch mode on SQLite copies the table
    # and drops the old one, which would cascade to what refers to statistics.
    op.add_column("statistic", sa.Column("main_table_id", sa.String(40), nullable=True))
    op.add_column("statistic", sa.Column("headline", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("statistic", "headline")
    op.drop_column("statistic", "main_table_id")
