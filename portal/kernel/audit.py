"""The append-only audit log: who changed what, when, with the record before and after.

It lives in the kernel because every domain writes to it in the same transaction as its change; it
knows actors (:class:`~portal.kernel.access.Actor`) and producers by id only, so it imports no domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import JSON, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.kernel.access import Actor
from portal.kernel.db import Base
from portal.kernel.querying import contains


class AuditEntry(Base):
    """One write, as it happened. Rows are never updated or deleted (database triggers refuse it)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(254))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


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


class Audited(Protocol):
    """A record the audit log names by its id, under its producer."""

    @property
    def id(self) -> int: ...

    @property
    def producer_id(self) -> int | None: ...


def record_change(
    session: Session,
    actor: Actor,
    at: datetime,
    action: str,
    entity: str,
    record: Audited,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """:func:`record_write` for a write to ``record``: named by its id, under its producer."""
    return record_write(
        session,
        actor=actor,
        at=at,
        action=action,
        entity=entity,
        entity_id=str(record.id),
        producer_id=record.producer_id,
        before=before,
        after=after,
    )


def count_entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit log; every one optional."""

    actor: str | None = None  # part of the actor's label (an e-mail address, "token spt_…", …)
    producer_id: int | None = None
    entity: str | None = None  # the kind of object: statistic, release, user, api_token, producer …
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None  # paging: entries older than this one


def list_entries(
    session: Session,
    *,
    producer_ids: frozenset[int] | None,
    limit: int = 50,
    query: AuditQuery | None = None,
) -> list[AuditEntry]:
    """Newest first; ``producer_ids`` None means all producers (portal administrators)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if producer_ids is not None:
        stmt = stmt.where(AuditEntry.producer_id.in_(producer_ids))
    if query is not None:
        if query.actor:
            stmt = stmt.where(contains(AuditEntry.actor_label, query.actor))
        if query.producer_id is not None:
            stmt = stmt.where(AuditEntry.producer_id == query.producer_id)
        if query.entity:
            stmt = stmt.where(AuditEntry.entity == query.entity)
        if query.since is not None:
            stmt = stmt.where(AuditEntry.at >= query.since)
        if query.until is not None:
            stmt = stmt.where(AuditEntry.at < query.until)
        if query.before_id is not None:
            stmt = stmt.where(AuditEntry.id < query.before_id)
    return list(session.scalars(stmt))


def entity_kinds(session: Session) -> list[str]:
    """The kinds of object the log has entries for (for a filter's choices)."""
    return list(session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
