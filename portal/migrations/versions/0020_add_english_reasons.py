"""Add the English side of the calendar's free texts: ``release.late_justification_en``,
``release_change.reason_text_en`` and ``release_pre_release_access.purpose_en``.

Why: issue 18, "language marking". A postponement's reason, a late announcement's justification and the
purpose of pre-release access were one text in whatever language the producer wrote; an English page showed
them unmarked. The existing columns hold the Norwegian text, as the producers' forms always asked for it;
the English text is optional, and a page without it shows the Norwegian one marked ``lang="nb"`` and says
it exists in Norwegian only.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

COLUMNS = (
    ("release", "late_justification_en"),
    ("release_change", "reason_text_en"),
    ("release_pre_release_access", "purpose_en"),
)


def upgrade() -> None:
    # Plain ADD COLUMNs (as 0019): batch mode on SQLite would copy the tables and cascade.
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Text(), nullable=True))


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column)
