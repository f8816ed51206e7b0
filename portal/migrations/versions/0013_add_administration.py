"""Administration: retiring producers, subject areas and statistics; ending sessions; invitations;
who created each token; tokens for portal administrators.

Why: issue 15. A retired producer keeps its history and pages but can no longer publish; disabling a
user, logging out or changing a password ends every session at once (``session_generation``, carried in
the session cookie); invitations and password resets are one-time links; every token records the user
who created it, and a portal administrator's token belongs to no producer (``producer_id`` null).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch mode): batch mode recreates the table, and on SQLite dropping the old
    # producer or statistic table would cascade to everything that points at it.
    for table in ("producer", "subject_area", "statistic"):
        op.add_column(table, sa.Column("retired_at", UTCDateTime(), nullable=True))
    op.add_column(
        "user_account",
        sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"),
    )
    # api_token has no dependants, so recreating it on SQLite (batch mode) loses nothing.
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("created_by_user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_api_token_creator",
            "user_account",
            ["created_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.alter_column("producer_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "user_invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("user_invitation")
    op.execute("DELETE FROM api_token WHERE producer_id IS NULL")
    with op.batch_alter_table("api_token") as batch:
        batch.alter_column("producer_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("fk_api_token_creator", type_="foreignkey")
        batch.drop_column("created_by_user_id")
    op.drop_column("user_account", "session_generation")
    for table in ("producer", "subject_area", "statistic"):
        op.drop_column(table, "retired_at")
