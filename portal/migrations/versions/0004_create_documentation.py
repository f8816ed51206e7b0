"""Create "Om statistikken": drafts, immutable published versions and release reviews.

Why: issue 4. Published versions are what users cite and what each release recorded as in force, so
triggers on both SQLite and PostgreSQL refuse any UPDATE or DELETE of them.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documentation_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statistic_id"],
            ["statistic.id"],
            name=op.f("fk_documentation_draft_statistic_id_statistic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documentation_draft")),
        sa.UniqueConstraint("statistic_id", name=op.f("uq_documentation_draft_statistic_id")),
    )
    op.create_table(
        "documentation_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_documentation_review_release_id_release"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["statistic_id"],
            ["statistic.id"],
            name=op.f("fk_documentation_review_statistic_id_statistic"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documentation_review")),
        sa.UniqueConstraint("release_id", name=op.f("uq_documentation_review_release_id")),
    )
    with op.batch_alter_table("documentation_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documentation_review_statistic_id"), ["statistic_id"], unique=False
        )

    op.create_table(
        "documentation_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=254), nullable=False),
        sa.Column("visible_from", UTCDateTime(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("change_note", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_documentation_version_release_id_release"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["statistic_id"],
            ["statistic.id"],
            name=op.f("fk_documentation_version_statistic_id_statistic"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documentation_version")),
        sa.UniqueConstraint(
            "statistic_id", "number", name=op.f("uq_documentation_version_statistic_id_number")
        ),
    )
    with op.batch_alter_table("documentation_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documentation_version_statistic_id"), ["statistic_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_documentation_version_visible_from"), ["visible_from"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION documentation_version_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'documentation_version is immutable';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER documentation_version_immutable BEFORE UPDATE OR DELETE "
            "ON documentation_version FOR EACH ROW EXECUTE FUNCTION documentation_version_immutable()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER documentation_version_no_{event.lower()} BEFORE {event} "
                "ON documentation_version BEGIN SELECT RAISE(ABORT, "
                "'documentation_version is immutable'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS documentation_version_immutable ON documentation_version"
        )
        op.execute("DROP FUNCTION IF EXISTS documentation_version_immutable()")
    with op.batch_alter_table("documentation_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documentation_version_visible_from"))
        batch_op.drop_index(batch_op.f("ix_documentation_version_statistic_id"))

    op.drop_table("documentation_version")
    with op.batch_alter_table("documentation_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documentation_review_statistic_id"))

    op.drop_table("documentation_review")
    op.drop_table("documentation_draft")
