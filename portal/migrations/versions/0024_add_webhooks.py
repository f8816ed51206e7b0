"""Add the webhooks' tables (issue 22): ``notify_webhook``, ``notify_webhook_delivery`` and
``notify_webhook_fanout``.

Why: producers' systems want the alerts as signed JSON POSTs instead of e-mail or polling; each delivery
is logged with its attempts and the target's answer code, and a webhook failing again and again is
disabled.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notify_webhook",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "producer_id",
            sa.Integer(),
            sa.ForeignKey("producer.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("secret", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("failures_in_a_row", sa.Integer(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.Column("disabled_reason", sa.String(300), nullable=False),
    )
    op.create_index("ix_notify_webhook_producer_id", "notify_webhook", ["producer_id"])
    op.create_table(
        "notify_webhook_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "webhook_id",
            sa.Integer(),
            sa.ForeignKey("notify_webhook.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("notify_event.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("webhook_id", "event_id"),
    )
    op.create_index(
        "ix_notify_webhook_delivery_webhook_id", "notify_webhook_delivery", ["webhook_id"]
    )
    op.create_index("ix_notify_webhook_delivery_status", "notify_webhook_delivery", ["status"])
    op.create_index(
        "ix_notify_webhook_delivery_next_attempt_at", "notify_webhook_delivery", ["next_attempt_at"]
    )
    op.create_table(
        "notify_webhook_fanout",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("notify_event.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("notify_webhook_fanout", "notify_webhook_delivery", "notify_webhook"):
        op.drop_table(table)
