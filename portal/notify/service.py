"""Subscribing, confirming (double opt-in), managing and unsubscribing, without an account: plain Python,
no Flask. Each call takes the session, the portal's secret (the links are signed) and the instant.

Nothing tells a stranger whether an address is subscribed: subscribing answers the same for a new and a
known address, and only the address's owner, through the links sent to it, can see or change anything."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from portal.kernel.errors import BadRequest, FieldError, NotFound
from portal.notify import tokens
from portal.notify.models import FREQUENCIES, OutgoingMessage, Subscriber, Subscription

OSLO = ZoneInfo("Europe/Oslo")
_TOPIC = re.compile(
    r"(calendar|(statistic|producer|subject|table|codelist|savedquery):[A-Za-z0-9_.-]{1,80})"
)
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,253}\.[^@\s.]{2,63}")
#: Digests go out at this hour, Oslo time; weekly ones on Mondays.
DIGEST_HOUR = 6


def address_hash(email: str) -> str:
    """What the delivery log keeps of an address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise BadRequest("", (FieldError.said("email", "alert.bad_email"),)).said("alert.bad_email")
    return email


def check_topic(topic: str) -> str:
    if not _TOPIC.fullmatch(topic or ""):
        raise BadRequest("", (FieldError.said("topic", "alert.bad_topic"),)).said("alert.bad_topic")
    return topic


def next_digest(frequency: str, after: datetime) -> datetime | None:
    """A digest's next time after ``after``: 06:00 Oslo time the next day, or the next Monday."""
    if frequency == "immediate":
        return None
    local = after.astimezone(OSLO)
    day = local.date() + timedelta(days=1)
    if frequency == "weekly":
        day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, DIGEST_HOUR, tzinfo=OSLO).astimezone(after.tzinfo)


def queue_message(
    session: Session,
    subscription: Subscription,
    kind: str,
    now: datetime,
    event_ids: list[int] | None = None,
) -> OutgoingMessage:
    message = OutgoingMessage(
        subscription_id=subscription.id,
        kind=kind,
        event_ids=event_ids or [],
        address_hash=address_hash(subscription.subscriber.email),
        status="queued",
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(message)
    return message


R = TypeVar("R", Subscriber, Subscription)


def _found_or_added(session: Session, find: Select[R], make: Callable[[], R]) -> tuple[R, bool]:
    """The row ``find`` selects, or ``make()`` added in a savepoint (True): when another request adds
    the same row at the same moment (a double click, a retried form), its unique key refuses ours and
    the winner's row is taken, so every one of them answers as if it came first."""
    found = session.scalar(find)
    if found is not None:
        return found, False
    try:
        with session.begin_nested():
            row = make()
            session.add(row)
        return row, True
    except IntegrityError:
        again = session.scalar(find)
        if again is None:
            raise
        return again, False


def subscribe(
    session: Session,
    email: str,
    language: str,
    topic: str,
    frequency: str,
    now: datetime,
    label: dict[str, str] | None = None,
) -> Subscription:
    """Ask for ``topic``'s alerts at ``email``: a subscription waiting for its owner's confirmation,
    and the confirmation e-mail queued (for a subscription already confirmed, how often is changed
    only through the manage link; a confirmation is sent again either way, so the answer never tells
    whether the address was known). Raises BadRequest."""
    email, topic = _email(email), check_topic(topic)
    if frequency not in FREQUENCIES:
        raise BadRequest("", (FieldError.said("frequency", "alert.bad_frequency"),)).said(
            "alert.bad_frequency"
        )
    language = "en" if language == "en" else "nb"
    subscriber, _ = _found_or_added(
        session,
        select(Subscriber).where(Subscriber.email == email),
        lambda: Subscriber(
            email=email, language=language, nonce=tokens.new_nonce(), created_at=now
        ),
    )
    subscription, added = _found_or_added(
        session,
        select(Subscription).where(
            Subscription.subscriber_id == subscriber.id, Subscription.topic == topic
        ),
        lambda: Subscription(
            subscriber=subscriber,
            topic=topic,
            label=dict(label or {}),
            frequency=frequency,
            nonce=tokens.new_nonce(),
            created_at=now,
        ),
    )
    if not added and subscription.consent_at is None:
        subscription.frequency = frequency
    if subscriber.subscriptions and all(s.consent_at is None for s in subscriber.subscriptions):
        subscriber.language = language  # nobody confirmed anything yet: the latest form's language
    session.flush()
    queue_message(session, subscription, "confirm", now)
    return subscription


def _by_token(session: Session, secret: str, purpose: str, token: str) -> Subscription:
    found = tokens.read(
        secret,
        purpose,
        token,
        max_age=tokens.CONFIRM_SECONDS if purpose == tokens.CONFIRM else None,
    )
    subscription = session.get(Subscription, found[0]) if found else None
    if subscription is None or found is None or subscription.nonce != found[1]:
        raise NotFound("").said("alert.link_gone")
    return subscription


def confirm(session: Session, secret: str, token: str, now: datetime) -> Subscription:
    """The owner's consent: from now on the subscription's alerts are sent. Raises NotFound for a
    link that is forged, expired or of a subscription since deleted."""
    subscription = _by_token(session, secret, tokens.CONFIRM, token)
    if subscription.consent_at is None:
        subscription.consent_at = now
        subscription.next_digest_at = next_digest(subscription.frequency, now)
    session.flush()
    return subscription


def peek(session: Session, secret: str, purpose: str, token: str) -> Subscription:
    """The subscription a link is for, without changing it (the page before the button)."""
    return _by_token(session, secret, purpose, token)


def unsubscribe(session: Session, secret: str, token: str) -> str:
    """Delete the subscription a one-click link names, and the subscriber with its address when it
    was their last; returns its topic. Raises NotFound."""
    subscription = _by_token(session, secret, tokens.UNSUBSCRIBE, token)
    topic = subscription.topic
    _delete(session, subscription)
    return topic


def _delete(session: Session, subscription: Subscription) -> None:
    subscriber = subscription.subscriber
    session.execute(
        delete(OutgoingMessage).where(
            OutgoingMessage.subscription_id == subscription.id, OutgoingMessage.status != "sent"
        )
    )
    subscriber.subscriptions.remove(subscription)
    session.flush()
    if not subscriber.subscriptions:
        session.delete(subscriber)
        session.flush()


def manage(session: Session, secret: str, token: str) -> Subscriber:
    """The subscriber a manage link names, subscriptions loaded. Raises NotFound."""
    found = tokens.read(secret, tokens.MANAGE, token)
    subscriber = (
        session.scalar(
            select(Subscriber)
            .where(Subscriber.id == found[0])
            .options(selectinload(Subscriber.subscriptions))
        )
        if found
        else None
    )
    if subscriber is None or found is None or subscriber.nonce != found[1]:
        raise NotFound("").said("alert.link_gone")
    return subscriber


def delete_one(session: Session, secret: str, token: str, subscription_id: int) -> bool:
    """Delete one of the manage link's subscriptions; whether the subscriber is gone with it."""
    subscriber = manage(session, secret, token)
    subscription = next((s for s in subscriber.subscriptions if s.id == subscription_id), None)
    if subscription is None:
        raise NotFound("").said("alert.link_gone")
    _delete(session, subscription)
    return subscriber not in session


def delete_everything(session: Session, secret: str, token: str) -> None:
    """Delete the manage link's subscriber: every subscription and the address."""
    subscriber = manage(session, secret, token)
    for subscription in list(subscriber.subscriptions):
        _delete(session, subscription)


def set_frequency(
    session: Session, secret: str, token: str, subscription_id: int, frequency: str, now: datetime
) -> None:
    subscriber = manage(session, secret, token)
    subscription = next((s for s in subscriber.subscriptions if s.id == subscription_id), None)
    if subscription is None or frequency not in FREQUENCIES:
        raise NotFound("").said("alert.link_gone")
    subscription.frequency = frequency
    subscription.next_digest_at = (
        next_digest(frequency, now) if subscription.consent_at is not None else None
    )
    session.flush()


def links(secret: str, subscription: Subscription) -> dict[str, str]:
    """The tokens an e-mail about ``subscription`` carries."""
    return {
        "confirm": tokens.sign(secret, tokens.CONFIRM, subscription.id, subscription.nonce),
        "unsubscribe": tokens.sign(secret, tokens.UNSUBSCRIBE, subscription.id, subscription.nonce),
        "manage": tokens.sign(
            secret, tokens.MANAGE, subscription.subscriber.id, subscription.subscriber.nonce
        ),
    }
