"""The append-only audit log: who changed what, when, with the record before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.access import Actor
from portal.accounts.models import AuditEntry


def record_write(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    action: str,
    entity: str,
    entity_id: str,
    producer_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """Add an audit row in the caller's transaction, so the log and the change commit or fail together."""
    entry = AuditEntry(
        at=at,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label,
        producer_id=producer_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def count_entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def list_entries(
    session: Session, *, producer_ids: frozenset[int] | None, limit: int = 50
) -> list[AuditEntry]:
    """Newest first; ``producer_ids`` None means all producers (portal administrators)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if producer_ids is not None:
        stmt = stmt.where(AuditEntry.producer_id.in_(producer_ids))
    return list(session.scalars(stmt))
