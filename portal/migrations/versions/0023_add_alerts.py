"""Add the alerts' tables (issue 22): ``notify_subscriber``, ``notify_subscription``, ``notify_event``,
``notify_digest_item``, ``notify_message`` and ``notify_state``.

Why: people subscribe by e-mail to a statistic, a producer, a subject, a table or the whole calendar
and are told when it changes, never before it is public. Subscribers keep only the address, the language,
what is subscribed and the consent time; the messages keep a hash of the address (the delivery log).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.kernel.db import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notify_subscriber",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("nonce", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "notify_subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscriber_id",
            sa.Integer(),
            sa.ForeignKey("notify_subscriber.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("frequency", sa.String(10), nullable=False),
        sa.Column("nonce", sa.String(32), nullable=False),
        sa.Column("consent_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_digest_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("subscriber_id", "topic"),
    )
    op.create_index(
        "ix_notify_subscription_subscriber_id", "notify_subscription", ["subscriber_id"]
    )
    op.create_index("ix_notify_subscription_topic", "notify_subscription", ["topic"])
    op.create_table(
        "notify_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("ref", sa.String(80), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("public_at", UTCDateTime(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("fanned_out_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("kind", "ref", "public_at"),
    )
    op.create_index("ix_notify_event_public_at", "notify_event", ["public_at"])
    op.create_index("ix_notify_event_fanned_out_at", "notify_event", ["fanned_out_at"])
    op.create_table(
        "notify_digest_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("notify_subscription.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("notify_event.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.UniqueConstraint("subscription_id", "event_id"),
    )
    op.create_index(
        "ix_notify_digest_item_subscription_id", "notify_digest_item", ["subscription_id"]
    )
    op.create_table(
        "notify_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("notify_subscription.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("event_ids", sa.JSON(), nullable=False),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_notify_message_subscription_id", "notify_message", ["subscription_id"])
    op.create_index("ix_notify_message_status", "notify_message", ["status"])
    op.create_index("ix_notify_message_next_attempt_at", "notify_message", ["next_attempt_at"])
    op.create_table(
        "notify_state",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "notify_state",
        "notify_message",
        "notify_digest_item",
        "notify_event",
        "notify_subscription",
        "notify_subscriber",
    ):
        op.drop_table(table)
