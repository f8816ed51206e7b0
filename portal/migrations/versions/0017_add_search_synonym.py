"""Add ``search_synonym``: the words and abbreviations people search with, and what the portal calls
them.

Why: issue 18. "folketall" found nothing (the portal says "befolkning"), and "KPI", "AKU" or "BNP" found
nothing in the calendar's name filter. The list is data that administrators keep, so it is a table; 0018
fills it from ``portal/search/data/synonyms.csv`` as it stood then.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_synonym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("expansion", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonym")),
        sa.UniqueConstraint("term", name=op.f("uq_search_synonym_term")),
    )


def downgrade() -> None:
    op.drop_table("search_synonym")
