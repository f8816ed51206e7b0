"""Add ``content_revision``: one row appended at the commit of every write of public content (issue 23).

Why: pages and API lists are cached once rendered, under a content version that every worker and
machine reads from the database (:mod:`portal.kernel.revision`), so a write is seen at once everywhere
without telling any cache. Appended rows, not one counter row, so concurrent writers never wait on
each other. Also an index on ``release.statistic_id, release_at``: the statistic page and the release
lists ask a statistic's releases in time order.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("content_revision", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("content_revision")
