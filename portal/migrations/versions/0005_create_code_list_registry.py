"""Create the code-list registry: families, classifications and code lists, versions, levels, items and
correspondence tables.

Why: issue 5. Ids are not generated for classifications, versions and tables, because those brought in
from Statistics Norway's Klass keep their Klass ids; local ones are numbered from 100000.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classification_family",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name_nb", sa.String(length=200), nullable=False),
        sa.Column("name_nn", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_family")),
    )
    op.create_table(
        "classification",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name_nb", sa.String(length=300), nullable=False),
        sa.Column("name_nn", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("description_nb", sa.Text(), nullable=False),
        sa.Column("description_nn", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("primary_language", sa.String(length=2), nullable=False),
        sa.Column("include_short_name", sa.Boolean(), nullable=False),
        sa.Column("include_notes", sa.Boolean(), nullable=False),
        sa.Column("copyrighted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("last_modified", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["classification_family.id"],
            name=op.f("fk_classification_family_id_classification_family"),
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name=op.f("fk_classification_producer_id_producer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification")),
    )
    with op.batch_alter_table("classification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classification_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_classification_producer_id"), ["producer_id"], unique=False
        )

    op.create_table(
        "classification_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("classification_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("introduction_nb", sa.Text(), nullable=False),
        sa.Column("introduction_en", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("last_modified", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["classification_id"],
            ["classification.id"],
            name=op.f("fk_classification_version_classification_id_classification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_version")),
    )
    with op.batch_alter_table("classification_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classification_version_classification_id"),
            ["classification_id"],
            unique=False,
        )

    op.create_table(
        "classification_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("parent_code", sa.String(length=50), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("name_nb", sa.String(length=500), nullable=False),
        sa.Column("name_nn", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=False),
        sa.Column("short_name_nb", sa.String(length=200), nullable=False),
        sa.Column("short_name_nn", sa.String(length=200), nullable=False),
        sa.Column("short_name_en", sa.String(length=200), nullable=False),
        sa.Column("notes_nb", sa.Text(), nullable=False),
        sa.Column("notes_nn", sa.Text(), nullable=False),
        sa.Column("notes_en", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["classification_version.id"],
            name=op.f("fk_classification_item_version_id_classification_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_item")),
        sa.UniqueConstraint(
            "version_id", "code", name=op.f("uq_classification_item_version_id_code")
        ),
    )
    with op.batch_alter_table("classification_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classification_item_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "classification_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name_nb", sa.String(length=200), nullable=False),
        sa.Column("name_nn", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["classification_version.id"],
            name=op.f("fk_classification_level_version_id_classification_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_level")),
        sa.UniqueConstraint(
            "version_id", "number", name=op.f("uq_classification_level_version_id_number")
        ),
    )
    op.create_table(
        "correspondence_table",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source_version_id", sa.Integer(), nullable=False),
        sa.Column("target_version_id", sa.Integer(), nullable=False),
        sa.Column("description_nb", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("last_modified", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_version_id"],
            ["classification_version.id"],
            name=op.f("fk_correspondence_table_source_version_id_classification_version"),
        ),
        sa.ForeignKeyConstraint(
            ["target_version_id"],
            ["classification_version.id"],
            name=op.f("fk_correspondence_table_target_version_id_classification_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence_table")),
    )
    with op.batch_alter_table("correspondence_table", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correspondence_table_source_version_id"),
            ["source_version_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_correspondence_table_target_version_id"),
            ["target_version_id"],
            unique=False,
        )

    op.create_table(
        "correspondence_map",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("source_code", sa.String(length=50), nullable=True),
        sa.Column("target_code", sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["correspondence_table.id"],
            name=op.f("fk_correspondence_map_table_id_correspondence_table"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence_map")),
    )
    with op.batch_alter_table("correspondence_map", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correspondence_map_table_id"), ["table_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("correspondence_map", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correspondence_map_table_id"))

    op.drop_table("correspondence_map")
    with op.batch_alter_table("correspondence_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correspondence_table_target_version_id"))
        batch_op.drop_index(batch_op.f("ix_correspondence_table_source_version_id"))

    op.drop_table("correspondence_table")
    op.drop_table("classification_level")
    with op.batch_alter_table("classification_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classification_item_version_id"))

    op.drop_table("classification_item")
    with op.batch_alter_table("classification_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classification_version_classification_id"))

    op.drop_table("classification_version")
    with op.batch_alter_table("classification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classification_producer_id"))
        batch_op.drop_index(batch_op.f("ix_classification_family_id"))

    op.drop_table("classification")
    op.drop_table("classification_family")
