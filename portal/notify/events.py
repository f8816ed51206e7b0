"""The public changes to tell people about, queued as ``notify_event`` rows.

From writes: every audited write (``portal.kernel.audit``) is offered to the domain that declared its
entity (``Notifiable.from_write``) just before the transaction commits, and its alerts are queued in the
same transaction: the change and its alerts commit or fail together.

From the clock: what becomes public at a release's minute makes no write, so ``queue_due`` asks the domains
for the alerts public in ``(published_until, now]`` and moves the shared mark ``published_until`` in the
same transaction, with a conditional UPDATE: of several workers on several machines one moves it, the
others find it moved and queue nothing. An alert is unique by (kind, ref, public time) besides."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from portal.kernel.audit import AuditEntry
from portal.kernel.notifiable import Alert, Write
from portal.notify.models import NotifyEvent, NotifyState
from portal.notify.registry import registered

log = logging.getLogger(__name__)
_WRITES = "notify_writes"
PUBLISHED_UNTIL = "published_until"
#: The first run looks back this far for what the clock made public (a worker down for a while catches
#: up from its mark; a new portal does not tell about last year's releases).
FIRST_LOOK_BACK = timedelta(hours=1)


def _collect(session: Session, flush_context: Any) -> None:
    writes = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if writes:
        session.info.setdefault(_WRITES, []).extend(writes)


def _queue_from_writes(session: Session) -> None:
    # before_commit runs before the commit's own flush: flush first, so every write is collected.
    if session.new or session.dirty or session.deleted:
        session.flush()
    writes: list[AuditEntry] = session.info.pop(_WRITES, [])
    if not writes:
        return
    by_entity = {e: n for n in registered() if n.from_write for e in n.entities}
    alerts: list[Alert] = []
    for entry in writes:
        notifiable = by_entity.get(entry.entity)
        if notifiable is None or notifiable.from_write is None:
            continue
        write = Write(
            entry.at, entry.action, entry.entity, entry.entity_id, entry.before, entry.after
        )
        alerts.extend(notifiable.from_write(session, write))
    if alerts:
        add_events(session, alerts, now=max(w.at for w in writes))


def _discard(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_WRITES, None)


def as_row(alert: Alert, now: datetime) -> NotifyEvent:
    return NotifyEvent(
        kind=alert.kind,
        ref=alert.ref,
        topics=sorted(set(alert.topics)),
        public_at=alert.public_at,
        words={
            "title": {"nb": alert.title_nb, "en": alert.title_en},
            "text": {"nb": alert.text_nb, "en": alert.text_en},
            "path": {"nb": alert.path_nb, "en": alert.path_en},
            **dict(alert.data),
        },
        created_at=now,
    )


def add_events(session: Session, alerts: Iterable[Alert], now: datetime) -> list[NotifyEvent]:
    """Queue ``alerts`` in the session's transaction, each once (an alert already queued is skipped)."""
    rows: list[NotifyEvent] = []
    for alert in alerts:
        known = session.scalar(
            select(NotifyEvent.id).where(
                NotifyEvent.kind == alert.kind,
                NotifyEvent.ref == alert.ref,
                NotifyEvent.public_at == alert.public_at,
            )
        )
        if known is None and not any(
            (r.kind, r.ref, r.public_at) == (alert.kind, alert.ref, alert.public_at) for r in rows
        ):
            rows.append(as_row(alert, now))
    session.add_all(rows)
    session.flush()
    return rows


def queue_due(session: Session, now: datetime) -> int:
    """Queue the alerts the clock made public since the shared mark, and move the mark to ``now``;
    returns how many. The caller commits."""
    state = session.get(NotifyState, PUBLISHED_UNTIL)
    if state is None:
        state = NotifyState(key=PUBLISHED_UNTIL, at=now - FIRST_LOOK_BACK)
        session.add(state)
        session.flush()
    since = state.at
    if since >= now:
        return 0
    moved = session.execute(
        update(NotifyState)
        .where(NotifyState.key == PUBLISHED_UNTIL, NotifyState.at == since)
        .values(at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return 0  # another worker took this stretch
    alerts = [
        alert
        for notifiable in registered()
        if notifiable.due is not None
        for alert in notifiable.due(session, since, now)
    ]
    session.expire(state)
    return len(add_events(session, alerts, now))


_listening = False


def listen() -> None:
    """Queue alerts on every session of the process (once, however many apps are built)."""
    global _listening
    if not _listening:
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _queue_from_writes)
        event.listen(Session, "after_soft_rollback", _discard)
        _listening = True
