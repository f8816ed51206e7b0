"""Create the release calendar: releases, their public change history, corrections and PRA disclosures.

Why: issue 3. The history is append-only rows (one per announcement, confirmation, move or cancellation)
so the indicators (on-time announcement, punctuality in three definitions) can be computed from it.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("title_nb", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_label_nb", sa.String(length=100), nullable=False),
        sa.Column("period_label_en", sa.String(length=100), nullable=False),
        sa.Column("release_at", UTCDateTime(), nullable=False),
        sa.Column("precision", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("first_confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("first_confirmed_release_at", UTCDateTime(), nullable=True),
        sa.Column("late_justification", sa.Text(), nullable=True),
        sa.Column("contents_nb", sa.Text(), nullable=False),
        sa.Column("contents_en", sa.Text(), nullable=False),
        sa.Column("release_note_nb", sa.Text(), nullable=False),
        sa.Column("release_note_en", sa.Text(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statistic_id"],
            ["statistic.id"],
            name=op.f("fk_release_statistic_id_statistic"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
    )
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_release_release_at"), ["release_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_release_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_release_statistic_id"), ["statistic_id"], unique=False)

    op.create_table(
        "release_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("old_release_at", UTCDateTime(), nullable=True),
        sa.Column("new_release_at", UTCDateTime(), nullable=True),
        sa.Column("old_precision", sa.String(length=10), nullable=True),
        sa.Column("new_precision", sa.String(length=10), nullable=True),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_release_change_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_change")),
    )
    with op.batch_alter_table("release_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_release_change_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_release_change_release_id"), ["release_id"], unique=False
        )

    op.create_table(
        "release_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("what_was_wrong_nb", sa.Text(), nullable=False),
        sa.Column("what_was_wrong_en", sa.Text(), nullable=False),
        sa.Column("what_changed_nb", sa.Text(), nullable=False),
        sa.Column("what_changed_en", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_release_correction_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_correction")),
    )
    with op.batch_alter_table("release_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_release_correction_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_release_correction_release_id"), ["release_id"], unique=False
        )

    op.create_table(
        "release_pre_release_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("hours_before", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_release_pre_release_access_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_pre_release_access")),
    )
    with op.batch_alter_table("release_pre_release_access", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_release_pre_release_access_release_id"), ["release_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("release_pre_release_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_pre_release_access_release_id"))

    op.drop_table("release_pre_release_access")
    with op.batch_alter_table("release_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_correction_release_id"))
        batch_op.drop_index(batch_op.f("ix_release_correction_at"))

    op.drop_table("release_correction")
    with op.batch_alter_table("release_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_change_release_id"))
        batch_op.drop_index(batch_op.f("ix_release_change_at"))

    op.drop_table("release_change")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_statistic_id"))
        batch_op.drop_index(batch_op.f("ix_release_state"))
        batch_op.drop_index(batch_op.f("ix_release_release_at"))

    op.drop_table("release")
