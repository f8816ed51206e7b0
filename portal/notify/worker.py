"""``portal notify run``: the service beside ``serve`` that tells subscribers. One pass (:func:`run_once`):

1. queue what the clock made public since the shared mark (a release's minute), ``events.queue_due``;
2. fan each event public by now out to the subscriptions of its topics: a message for each confirmed
   immediate one, a digest item for each daily or weekly one;
3. gather the digests that are due into one message each;
4. send what is due, each message claimed first with a conditional UPDATE, so that workers on several
   machines never send one twice; a failure is retried with growing waits and given up ("dead") after
   :data:`MAX_ATTEMPTS`, with the error (never the address) in the log.

Each step commits in small transactions, so a worker killed midway loses nothing and sends nothing twice
but the message it was sending (SMTP gives no stronger promise). Never imports Flask."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from portal.notify import events as notify_events
from portal.notify import mail, webhooks
from portal.notify.models import DigestItem, NotifyEvent, OutgoingMessage, Subscription
from portal.notify.service import address_hash, links, next_digest
from portal.notify.webhook_models import WebhookDelivery

log = logging.getLogger(__name__)
#: Waits before each retry of a message that could not be sent; then it is dead.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: How long a claimed message is a sender's before another may take it (a killed sender's).
CLAIM = timedelta(minutes=5)
BATCH = 500


@dataclass
class Pass:
    events: int = 0
    fanned_out: int = 0
    queued: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    secret: str
    base_url: str
    sender_address: str


def run_once(
    sessions: Callable[[], Session], sender: mail.Sender, settings: Settings, now: datetime
) -> Pass:
    done = Pass()
    with sessions() as session:
        done.events = notify_events.queue_due(session, now)
        session.commit()
    with sessions() as session:
        _fan_out(session, now, done)
    webhooks.run_once(sessions, settings.base_url, now)  # webhooks and WebSub pings (their own log)
    with sessions() as session:
        _digests(session, now, done)
    with sessions() as session:
        _send(session, sender, settings, now, done)
    return done


def _topics_of(event: NotifyEvent) -> list[str]:
    return list(event.topics)


def _fan_out(session: Session, now: datetime, done: Pass) -> None:
    waiting = session.scalars(
        select(NotifyEvent)
        .where(NotifyEvent.fanned_out_at.is_(None), NotifyEvent.public_at <= now)
        .order_by(NotifyEvent.public_at, NotifyEvent.id)
        .limit(BATCH)
    ).all()
    for event in waiting:
        claimed = session.execute(
            update(NotifyEvent)
            .where(NotifyEvent.id == event.id, NotifyEvent.fanned_out_at.is_(None))
            .values(fanned_out_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            continue
        subscriptions = session.scalars(
            select(Subscription)
            .where(
                Subscription.topic.in_(_topics_of(event)),
                Subscription.consent_at.is_not(None),
                # Consent after the event: it happened before they asked for it.
                Subscription.consent_at <= event.public_at,
            )
            .options(selectinload(Subscription.subscriber))
        ).all()
        immediate = [s for s in subscriptions if s.frequency == "immediate"]
        if immediate:
            session.execute(
                insert(OutgoingMessage),
                [
                    {
                        "subscription_id": s.id,
                        "kind": "alert",
                        "event_ids": [event.id],
                        "address_hash": address_hash(s.subscriber.email),
                        "status": "queued",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "last_error": "",
                        "created_at": now,
                    }
                    for s in immediate
                ],
            )
        later = [s for s in subscriptions if s.frequency != "immediate"]
        if later:
            session.execute(
                insert(DigestItem), [{"subscription_id": s.id, "event_id": event.id} for s in later]
            )
        session.commit()
        done.fanned_out += 1
        done.queued += len(immediate)


def _digests(session: Session, now: datetime, done: Pass) -> None:
    due = session.scalars(
        select(Subscription)
        .where(Subscription.next_digest_at <= now, Subscription.consent_at.is_not(None))
        .options(selectinload(Subscription.subscriber))
        .limit(BATCH)
    ).all()
    for subscription in due:
        then = subscription.next_digest_at
        claimed = session.execute(
            update(Subscription)
            .where(Subscription.id == subscription.id, Subscription.next_digest_at == then)
            .values(next_digest_at=next_digest(subscription.frequency, now))
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            continue
        items = session.scalars(
            select(DigestItem.event_id)
            .join(NotifyEvent, NotifyEvent.id == DigestItem.event_id)
            .where(DigestItem.subscription_id == subscription.id)
            .order_by(NotifyEvent.public_at, NotifyEvent.id)
        ).all()
        if items:
            session.execute(delete(DigestItem).where(DigestItem.subscription_id == subscription.id))
            session.add(
                OutgoingMessage(
                    subscription_id=subscription.id,
                    kind="digest",
                    event_ids=list(items),
                    address_hash=address_hash(subscription.subscriber.email),
                    status="queued",
                    attempts=0,
                    next_attempt_at=now,
                    last_error="",
                    created_at=now,
                )
            )
            done.digests += 1
        session.commit()


#: A queued row the workers take one at a time: an e-mail or a webhook delivery.
Claimable = OutgoingMessage | WebhookDelivery


def claim_due(
    session: Session, model: type[Claimable], now: datetime, batch: int = BATCH
) -> list[int]:
    """Up to ``batch`` ids of ``model``'s queued rows that are due and unclaimed, each taken for
    :data:`CLAIM` with a conditional UPDATE, so two workers (on any machine) never take the same row;
    committed. A row another worker took between the SELECT and the UPDATE is left out."""
    free = or_(model.claimed_until.is_(None), model.claimed_until < now)
    ids = session.scalars(
        select(model.id)
        .where(model.status == "queued", model.next_attempt_at <= now, free)
        .order_by(model.id)
        .limit(batch)
    ).all()
    mine = []
    for row_id in ids:
        claimed = session.execute(
            update(model)
            .where(model.id == row_id, model.status == "queued", free)
            .values(claimed_until=now + CLAIM)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            mine.append(row_id)
    session.commit()
    return mine


def failed_attempt(row: Claimable, now: datetime) -> bool:
    """Count a failed attempt on a claimed row: dead after :data:`MAX_ATTEMPTS` (True), else queued
    again after the next :data:`BACKOFF` wait (False). The claim is released either way."""
    row.attempts += 1
    row.claimed_until = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "dead"
        return True
    row.next_attempt_at = now + BACKOFF[row.attempts - 1]
    return False


def _send(
    session: Session, sender: mail.Sender, settings: Settings, now: datetime, done: Pass
) -> None:
    mine = claim_due(session, OutgoingMessage, now)
    for message_id in mine:
        message = session.get(OutgoingMessage, message_id)
        subscription = (
            session.get(Subscription, message.subscription_id)
            if message is not None and message.subscription_id is not None
            else None
        )
        if message is None or subscription is None:
            continue  # unsubscribed meanwhile: its unsent messages went with it
        events = (
            session.scalars(
                select(NotifyEvent)
                .where(NotifyEvent.id.in_(message.event_ids), NotifyEvent.public_at <= now)
                .order_by(NotifyEvent.public_at, NotifyEvent.id)
            ).all()
            if message.event_ids
            else []
        )
        if message.kind != "confirm" and not events:
            message.status, message.claimed_until = "dropped", None
            session.commit()
            continue
        try:
            email = mail.compose(
                kind=message.kind,
                subscription=subscription,
                events=events,
                tokens=links(settings.secret, subscription),
                base_url=settings.base_url,
                sender=settings.sender_address,
                now=now,
            )
            sender.send(email)
        except Exception as error:  # SMTP, network, refusal: retried, then dead
            message.last_error = f"{type(error).__name__}: {str(error)[:300]}".replace(
                subscription.subscriber.email, "<address>"
            )
            if failed_attempt(message, now):
                done.dead += 1
            else:
                done.failed += 1
            done.errors.append(message.last_error)
            log.warning(
                "message %s not sent (attempt %s): %s",
                message.id,
                message.attempts,
                message.last_error,
            )
        else:
            message.status, message.sent_at, message.claimed_until = "sent", now, None
            message.attempts += 1
            done.sent += 1
        session.commit()


def pending(session: Session, now: datetime) -> int:
    """Messages waiting to be sent by ``now`` (for health checks and tests)."""
    return len(
        session.scalars(
            select(OutgoingMessage.id).where(
                and_(OutgoingMessage.status == "queued", OutgoingMessage.next_attempt_at <= now)
            )
        ).all()
    )


@dataclass(frozen=True)
class Health:
    """What an operator watches: is the worker keeping up?"""

    subscribers: int
    confirmed: int
    events_waiting: int  # public, not fanned out yet
    messages_due: int
    oldest_due_seconds: float | None
    dead: int
    mark_lag_seconds: float | None  # now - published_until (None before the first pass)

    def problems(self, *, lag: timedelta = timedelta(minutes=5)) -> list[str]:
        found = []
        if self.mark_lag_seconds is None:
            found.append("the worker has never run (portal notify run)")
        elif self.mark_lag_seconds > lag.total_seconds():
            found.append(f"the worker's last pass was {int(self.mark_lag_seconds)} s ago")
        if self.oldest_due_seconds is not None and self.oldest_due_seconds > lag.total_seconds():
            found.append(f"a message has waited {int(self.oldest_due_seconds)} s to be sent")
        return found


def health(session: Session, now: datetime) -> Health:
    from sqlalchemy import func

    from portal.notify.models import NotifyState, Subscriber

    def count(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    oldest = session.scalar(
        select(func.min(OutgoingMessage.next_attempt_at)).where(
            OutgoingMessage.status == "queued", OutgoingMessage.next_attempt_at <= now
        )
    )
    mark = session.get(NotifyState, notify_events.PUBLISHED_UNTIL)
    return Health(
        subscribers=count(select(func.count()).select_from(Subscriber)),
        confirmed=count(
            select(func.count())
            .select_from(Subscription)
            .where(Subscription.consent_at.is_not(None))
        ),
        events_waiting=count(
            select(func.count())
            .select_from(NotifyEvent)
            .where(NotifyEvent.fanned_out_at.is_(None), NotifyEvent.public_at <= now)
        ),
        messages_due=pending(session, now),
        oldest_due_seconds=(now - oldest).total_seconds() if oldest is not None else None,
        dead=count(
            select(func.count())
            .select_from(OutgoingMessage)
            .where(OutgoingMessage.status == "dead")
        ),
        mark_lag_seconds=(now - mark.at).total_seconds() if mark is not None else None,
    )
