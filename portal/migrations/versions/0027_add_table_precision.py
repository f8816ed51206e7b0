"""Add ``table_variable.precision`` and ``data_table.kept_as_text``: what a PX file says that was read
but not stored.

Why: issue 21, "precision kept everywhere" and "optional keywords with unusable values kept as text".
The parser keeps PRECISION on a value of any variable (PxWeb's example database puts
``PRECISION("$$SORT","Per cent")=2`` on its sort variable) and the text of an optional keyword whose
value is no date or number (``LAST-UPDATED="05/10/99"``), but only the contents variable's precision
was stored, so PX output lost both. Existing rows have none (NULL), as their tables had before, until
they are uploaded again.

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, not batch mode, as 0012, 0015 and 0016: batch mode on SQLite copies
    # data_table and drops the old one, which would cascade to every table's variables.
    op.add_column("table_variable", sa.Column("precision", sa.JSON(), nullable=True))
    op.add_column("data_table", sa.Column("kept_as_text", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("data_table", "kept_as_text")
    op.drop_column("table_variable", "precision")
