"""Add ``data_table.texts`` and ``table_variable.texts``: a table's texts in every language it has.

Why: issue 21, "a file's languages are the truth". Labels (title, source, contents, variable names,
value labels) were kept in two columns each, the file's own language (``*_nb``) and English (``*_en``),
so a Finnish, Swedish and English file lost its Swedish, and its PX output held two of its three
languages. Notes were already kept per language in JSON; these columns do the same for the labels
(units keep theirs in ``data_table.units``, which is JSON already). Existing rows have none (NULL) and
are answered from the two columns as before, until their table is uploaded again.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, not batch mode, as 0012 and 0015: batch mode on SQLite copies data_table and
    # drops the old one, which would cascade to every table's variables.
    op.add_column("data_table", sa.Column("texts", sa.JSON(), nullable=True))
    op.add_column("table_variable", sa.Column("texts", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("table_variable", "texts")
    op.drop_column("data_table", "texts")
