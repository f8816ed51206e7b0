"""Alerts by e-mail (issue 22): subscribers and what they subscribe to, the public changes (events) to tell
them about, and the messages queued to send.

What is kept of a person is what the alerts need and nothing else: the e-mail address, the language, what
is subscribed, how often, and when consent was given. The links in the e-mails (confirm, manage,
unsubscribe) carry a token signed with the portal's secret key over a random nonce kept here: a copy of the
database cannot confirm, manage or unsubscribe anyone, and a new nonce voids the old links. A subscriber's last subscription going deletes the subscriber,
address and all; the messages sent keep a hash of the address only (the delivery log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kernel.db import Base

#: How often a subscription is sent: each alert as it becomes public, or gathered once a day or a week.
FREQUENCIES = ("immediate", "daily", "weekly")


class Subscriber(Base):
    __tablename__ = "notify_subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower-cased
    language: Mapped[str] = mapped_column(String(2))  # nb or en
    # Signed into the link to see and delete one's subscriptions (no account needed).
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", order_by="Subscription.id"
    )


class Subscription(Base):
    __tablename__ = "notify_subscription"
    __table_args__ = (UniqueConstraint("subscriber_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("notify_subscriber.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(String(120), index=True)  # portal.kernel.notifiable topics
    # What the topic is called, {"nb": …, "en": …}, as the page it was subscribed from named it.
    label: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    frequency: Mapped[str] = mapped_column(String(10))
    # Signed into the confirmation link and every e-mail's one-click unsubscribe (RFC 8058).
    nonce: Mapped[str] = mapped_column(String(32))
    # Double opt-in: nothing but the confirmation is sent before the address's owner confirmed.
    consent_at: Mapped[datetime | None]  # when the owner confirmed: the consent
    created_at: Mapped[datetime]
    # A digest's next time (daily and weekly), aware UTC.
    next_digest_at: Mapped[datetime | None]

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions")


class NotifyEvent(Base):
    """A public change to tell people about (``portal.kernel.notifiable.Alert``), queued in the transaction
    of the write that made it or by the worker when the clock made it public."""

    __tablename__ = "notify_event"
    __table_args__ = (UniqueConstraint("kind", "ref", "public_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(80))
    topics: Mapped[list[str]] = mapped_column(JSON)
    public_at: Mapped[datetime] = mapped_column(index=True)
    # title/text/path in nb and en, and what the kind adds
    words: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    # Set once every immediate subscriber has a message and every digest the event.
    fanned_out_at: Mapped[datetime | None] = mapped_column(index=True)


class DigestItem(Base):
    """An event waiting for a daily or weekly subscription's next digest."""

    __tablename__ = "notify_digest_item"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("notify_subscription.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("notify_event.id", ondelete="CASCADE"))


class OutgoingMessage(Base):
    """One e-mail to send, and afterwards its line in the delivery log (a hash of the address, never the
    address). Written in the transaction that made it; sent by ``portal notify run`` on any machine: a
    sender claims it with a conditional UPDATE (``claimed_until``), so two never send one message."""

    __tablename__ = "notify_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Gone with the subscription (its messages not sent yet are then deleted: see service.unsubscribe).
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("notify_subscription.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # confirm, alert, digest
    event_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    address_hash: Mapped[str] = mapped_column(String(64))
    # queued -> sent; or queued -> (retry) -> dead after MAX_ATTEMPTS
    status: Mapped[str] = mapped_column(String(8), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class NotifyState(Base):
    """The worker's marks shared by every machine: ``published_until``, the instant up to which the
    clock's alerts have been queued."""

    __tablename__ = "notify_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime]
