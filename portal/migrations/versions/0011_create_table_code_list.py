"""Create PxWebApi 2.0 code lists of table variables (aggregations ``agg_…`` and valuesets ``vs_…``).

Why: issue 6. /api/pxwebapi/v2/codelists/{id} and ``codelist`` in a selection let a user see a table's
variable grouped (each group summed) or cut to a subset; a producer puts them on its tables through
/api/v1/tables/{id}/codelists/{codelist_id}.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "table_code_list",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("variable_code", sa.String(length=100), nullable=False),
        sa.Column("label_nb", sa.String(length=300), nullable=False),
        sa.Column("label_en", sa.String(length=300), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name=op.f("fk_table_code_list_producer_id_producer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_code_list")),
    )
    with op.batch_alter_table("table_code_list", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_table_code_list_producer_id"), ["producer_id"], unique=False
        )
    op.create_table(
        "table_code_list_link",
        sa.Column("table_id", sa.String(length=40), nullable=False),
        sa.Column("codelist_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["data_table.id"],
            name=op.f("fk_table_code_list_link_table_id_data_table"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["codelist_id"],
            ["table_code_list.id"],
            name=op.f("fk_table_code_list_link_codelist_id_table_code_list"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("table_id", "codelist_id", name=op.f("pk_table_code_list_link")),
    )
    with op.batch_alter_table("table_code_list_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_table_code_list_link_codelist_id"), ["codelist_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("table_code_list_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_table_code_list_link_codelist_id"))
    op.drop_table("table_code_list_link")
    with op.batch_alter_table("table_code_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_table_code_list_producer_id"))
    op.drop_table("table_code_list")
