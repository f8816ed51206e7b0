"""Create the PxAPI bridge's tables: statistical tables with their variables, and remote PxWeb sources.

Why: issue 6. Table metadata lives in the database; the cells live in the instance folder's cell store,
so a table's row names its store revision. Table ids are PxWeb's own (strings such as "07459").

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "remote_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("api", sa.String(length=20), nullable=False),
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("table_prefix", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("last_synced_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name=op.f("fk_remote_source_producer_id_producer")
        ),
        sa.ForeignKeyConstraint(
            ["statistic_id"], ["statistic.id"], name=op.f("fk_remote_source_statistic_id_statistic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remote_source")),
    )
    with op.batch_alter_table("remote_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_remote_source_producer_id"), ["producer_id"], unique=False
        )
    op.create_table(
        "data_table",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("remote_id", sa.Integer(), nullable=True),
        sa.Column("remote_table_id", sa.String(length=40), nullable=True),
        sa.Column("matrix", sa.String(length=40), nullable=False),
        sa.Column("title_nb", sa.String(length=500), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("source_nb", sa.String(length=300), nullable=False),
        sa.Column("source_en", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("subject_code", sa.String(length=40), nullable=False),
        sa.Column("languages", sa.String(length=40), nullable=False),
        sa.Column("time_unit", sa.String(length=12), nullable=False),
        sa.Column("first_period", sa.String(length=20), nullable=False),
        sa.Column("last_period", sa.String(length=20), nullable=False),
        sa.Column("updated", UTCDateTime(), nullable=True),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("symbols", sa.JSON(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("cells", sa.BigInteger(), nullable=False),
        sa.Column("store_revision", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_data_table_release_id_release"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["remote_id"],
            ["remote_source.id"],
            name=op.f("fk_data_table_remote_id_remote_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statistic_id"],
            ["statistic.id"],
            name=op.f("fk_data_table_statistic_id_statistic"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_table")),
    )
    with op.batch_alter_table("data_table", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_table_release_id"), ["release_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_table_remote_id"), ["remote_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_data_table_statistic_id"), ["statistic_id"], unique=False
        )
    op.create_table(
        "table_variable",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("label_nb", sa.String(length=300), nullable=False),
        sa.Column("label_en", sa.String(length=300), nullable=False),
        sa.Column("placement", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=True),
        sa.Column("elimination", sa.Boolean(), nullable=False),
        sa.Column("elimination_code", sa.String(length=100), nullable=True),
        sa.Column("time_scale", sa.String(length=1), nullable=True),
        sa.Column("show", sa.String(length=12), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("labels_nb", sa.JSON(), nullable=False),
        sa.Column("labels_en", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("value_notes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["data_table.id"],
            name=op.f("fk_table_variable_table_id_data_table"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_variable")),
        sa.UniqueConstraint(
            "table_id", "position", name=op.f("uq_table_variable_table_id_position")
        ),
    )
    with op.batch_alter_table("table_variable", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_table_variable_table_id"), ["table_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("table_variable", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_table_variable_table_id"))
    op.drop_table("table_variable")
    with op.batch_alter_table("data_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_table_statistic_id"))
        batch_op.drop_index(batch_op.f("ix_data_table_remote_id"))
        batch_op.drop_index(batch_op.f("ix_data_table_release_id"))
    op.drop_table("data_table")
    with op.batch_alter_table("remote_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remote_source_producer_id"))
    op.drop_table("remote_source")
