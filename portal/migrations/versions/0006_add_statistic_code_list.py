"""Add the link between statistics and the code lists they use.

Why: K54 asks that each statistic's page lists its code lists, and each code list the statistics using it.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statistic_code_list",
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("classification_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["classification_id"],
            ["classification.id"],
            name=op.f("fk_statistic_code_list_classification_id_classification"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statistic_id"],
            ["statistic.id"],
            name=op.f("fk_statistic_code_list_statistic_id_statistic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "statistic_id", "classification_id", name=op.f("pk_statistic_code_list")
        ),
    )
    with op.batch_alter_table("statistic_code_list", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statistic_code_list_classification_id"),
            ["classification_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("statistic_code_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statistic_code_list_classification_id"))

    op.drop_table("statistic_code_list")
