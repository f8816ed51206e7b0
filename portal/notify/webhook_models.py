"""Webhooks for machine subscribers (issue 22): a producer's system registers a target and topics, and
every public event of those topics is POSTed to it, signed (Standard Webhooks).

The signing secret is kept as it was given, because every delivery is signed with it; it is shown once,
in the answer to the registration. Deliveries keep the target's answer code and the error, never a body:
the log shows whether a target took the events, not what it said."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.kernel.db import Base


class Webhook(Base):
    __tablename__ = "notify_webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The owner: the registering token's producer (null for a portal administrator's token).
    producer_id: Mapped[int | None] = mapped_column(
        ForeignKey("producer.id", ondelete="CASCADE"), index=True
    )
    token_id: Mapped[int | None]
    url: Mapped[str] = mapped_column(String(500))
    topics: Mapped[list[str]] = mapped_column(JSON)  # portal.kernel.notifiable topics
    description: Mapped[str] = mapped_column(String(200), default="")
    secret: Mapped[str] = mapped_column(String(80))  # whsec_<base64 of the key>
    created_at: Mapped[datetime]
    # Deliveries given up in a row; WEBHOOK_DISABLE_AFTER of them disable the webhook.
    failures_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str] = mapped_column(String(300), default="")


class WebhookDelivery(Base):
    """One event for one webhook: POSTed until the target answers 2xx, retried with the e-mail worker's
    waits, then given up ("dead")."""

    __tablename__ = "notify_webhook_delivery"
    __table_args__ = (UniqueConstraint("webhook_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("notify_webhook.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("notify_event.id", ondelete="CASCADE"))
    # queued -> sent; queued -> (retry) -> dead; queued -> dropped (the webhook was disabled)
    status: Mapped[str] = mapped_column(String(8), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    claimed_until: Mapped[datetime | None]
    response_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class WebhookFanOut(Base):
    """An event the webhooks have been given: its row is the claim, so that workers on several machines
    fan an event out once (the e-mail fan-out keeps its own mark, ``notify_event.fanned_out_at``)."""

    __tablename__ = "notify_webhook_fanout"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("notify_event.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime]
