"""Create the statistics programme (producers, subject areas, statistics) and accounts.

Why: the foundation every pillar stands on (issue 2). Users and API tokens are scoped to one producer, and
the audit log is append-only: triggers on both SQLite and PostgreSQL refuse UPDATE and DELETE on it.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "producer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("short_name", sa.String(40), nullable=False),
        sa.Column("name_nb", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("website", sa.String(300), nullable=False),
        sa.Column("org_number", sa.String(9), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_producer"),
        sa.UniqueConstraint("slug", name="uq_producer_slug"),
        sa.UniqueConstraint("short_name", name="uq_producer_short_name"),
        sa.UniqueConstraint("org_number", name="uq_producer_org_number"),
    )
    op.create_table(
        "subject_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("name_nb", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subject_area"),
        sa.UniqueConstraint("slug", name="uq_subject_area_slug"),
    )
    op.create_table(
        "statistic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("name_nb", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("description_nb", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(20), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("producer_url", sa.String(500), nullable=True),
        sa.Column("is_official", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["producer.id"],
            ondelete="RESTRICT",
            name="fk_statistic_producer_id_producer",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_statistic"),
        sa.UniqueConstraint("slug", name="uq_statistic_slug"),
    )
    op.create_index("ix_statistic_producer_id", "statistic", ["producer_id"])
    op.create_table(
        "statistic_subject_area",
        sa.Column("statistic_id", sa.Integer(), nullable=False),
        sa.Column("subject_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statistic_id"],
            ["statistic.id"],
            ondelete="CASCADE",
            name="fk_statistic_subject_area_statistic_id_statistic",
        ),
        sa.ForeignKeyConstraint(
            ["subject_area_id"],
            ["subject_area.id"],
            ondelete="RESTRICT",
            name="fk_statistic_subject_area_subject_area_id_subject_area",
        ),
        sa.PrimaryKeyConstraint(
            "statistic_id", "subject_area_id", name="pk_statistic_subject_area"
        ),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["producer.id"],
            ondelete="RESTRICT",
            name="fk_user_account_producer_id_producer",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_user_account"),
        sa.UniqueConstraint("email", name="uq_user_account_email"),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["producer.id"],
            ondelete="RESTRICT",
            name="fk_api_token_producer_id_producer",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_token"),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    op.create_index("ix_api_token_producer_id", "api_token", ["producer_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_kind", sa.String(10), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(254), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name="fk_audit_entry_producer_id_producer"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_producer_id", "audit_entry", ["producer_id"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_entry is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{event.lower()} BEFORE {event} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    for table in (
        "audit_entry",
        "api_token",
        "user_account",
        "statistic_subject_area",
        "statistic",
        "subject_area",
        "producer",
    ):
        op.drop_table(table)
