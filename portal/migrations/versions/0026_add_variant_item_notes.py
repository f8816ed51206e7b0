"""Add what Klass's variant items and correspondence tables carry: ``variant_item`` gets short names and
notes (nb, nn, en) and its own ``valid_from``/``valid_to``; ``correspondence_table`` gets
``source_level`` and ``target_level``.

Why: issue 21, "Klass fidelity". Klass's /variant and /variantAt answers carry each variant item's short
name, notes and validity, as its /codes answers carry a version's, and a correspondence table's answer
names the level each side maps (``sourceLevel``, ``targetLevel``); an import dropped them. Existing rows
get empty texts and no validity or level, which is what they showed before.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

TEXTS = (
    ("short_name_nb", sa.String(200)),
    ("short_name_nn", sa.String(200)),
    ("short_name_en", sa.String(200)),
    ("notes_nb", sa.Text()),
    ("notes_nn", sa.Text()),
    ("notes_en", sa.Text()),
)


def upgrade() -> None:
    # Plain ADD COLUMNs (as 0020): batch mode on SQLite would copy the tables and cascade.
    for name, kind in TEXTS:
        op.add_column("variant_item", sa.Column(name, kind, nullable=False, server_default=""))
    op.add_column("variant_item", sa.Column("valid_from", sa.Date(), nullable=True))
    op.add_column("variant_item", sa.Column("valid_to", sa.Date(), nullable=True))
    op.add_column("correspondence_table", sa.Column("source_level", sa.Integer(), nullable=True))
    op.add_column("correspondence_table", sa.Column("target_level", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("correspondence_table", "target_level")
    op.drop_column("correspondence_table", "source_level")
    op.drop_column("variant_item", "valid_to")
    op.drop_column("variant_item", "valid_from")
    for name, _ in reversed(TEXTS):
        op.drop_column("variant_item", name)
