"""The delivery log an administrator reads (issue 22): each e-mail queued, with its kind, status, attempts,
last error and times, and a hash of its address, never the address (the privacy page promises it). Plain
Python, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.notify.models import OutgoingMessage

#: The statuses a message passes through (portal.notify.worker), in the order the log lists their counts.
STATUSES = ("queued", "sent", "dead", "dropped")
#: How many messages one page of the log shows, newest first.
PAGE = 200


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    status: str
    attempts: int
    last_error: str
    address_hash: str
    created_at: datetime  # aware UTC, as every instant
    next_attempt_at: datetime | None  # only while queued
    sent_at: datetime | None


@dataclass(frozen=True)
class DeliveryLog:
    counts: tuple[tuple[str, int], ...]  # (status, how many), every status listed
    deliveries: tuple[Delivery, ...]  # newest first, at most PAGE
    status: str | None  # the filter asked for


def delivery_log(session: Session, status: str | None = None, limit: int = PAGE) -> DeliveryLog:
    """The newest ``limit`` messages (only those of ``status`` when it is one of STATUSES; any other value
    lists all) and how many there are of each status."""
    chosen = status if status in STATUSES else None
    counted = dict(
        session.execute(
            select(OutgoingMessage.status, func.count()).group_by(OutgoingMessage.status)
        ).all()
    )
    stmt = select(OutgoingMessage).order_by(OutgoingMessage.id.desc()).limit(limit)
    if chosen:
        stmt = stmt.where(OutgoingMessage.status == chosen)
    return DeliveryLog(
        counts=tuple((s, int(counted.get(s, 0))) for s in STATUSES),
        deliveries=tuple(
            Delivery(
                id=m.id,
                kind=m.kind,
                status=m.status,
                attempts=m.attempts,
                last_error=m.last_error,
                address_hash=m.address_hash,
                created_at=m.created_at,
                next_attempt_at=m.next_attempt_at if m.status == "queued" else None,
                sent_at=m.sent_at,
            )
            for m in session.scalars(stmt)
        ),
        status=chosen,
    )
