"""Create classification variants: regroupings of a version's codes with their own levels and validity.

Why: issue 5 (Klass's /variant, /variantAt and /variants/{id}). Variant ids are not generated, like the
registry's other ids, so variants brought in from Klass can keep theirs.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classification_variant",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("name_nb", sa.String(length=300), nullable=False),
        sa.Column("name_nn", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("introduction_nb", sa.Text(), nullable=False),
        sa.Column("introduction_en", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("last_modified", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["classification_version.id"],
            name=op.f("fk_classification_variant_version_id_classification_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_variant")),
    )
    with op.batch_alter_table("classification_variant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classification_variant_version_id"), ["version_id"], unique=False
        )
    op.create_table(
        "variant_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name_nb", sa.String(length=200), nullable=False),
        sa.Column("name_nn", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["classification_variant.id"],
            name=op.f("fk_variant_level_variant_id_classification_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variant_level")),
        sa.UniqueConstraint(
            "variant_id", "number", name=op.f("uq_variant_level_variant_id_number")
        ),
    )
    op.create_table(
        "variant_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("parent_code", sa.String(length=50), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("name_nb", sa.String(length=500), nullable=False),
        sa.Column("name_nn", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["classification_variant.id"],
            name=op.f("fk_variant_item_variant_id_classification_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variant_item")),
        sa.UniqueConstraint("variant_id", "code", name=op.f("uq_variant_item_variant_id_code")),
    )
    with op.batch_alter_table("variant_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_variant_item_variant_id"), ["variant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("variant_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_variant_item_variant_id"))
    op.drop_table("variant_item")
    op.drop_table("variant_level")
    with op.batch_alter_table("classification_variant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classification_variant_version_id"))
    op.drop_table("classification_variant")
