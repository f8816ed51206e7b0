"""What a domain tells people about, declared by the domain and read by the alerts (``portal.notify``): the
registration interface between them, below both, as :mod:`portal.kernel.findable` is for search (issue 22).
A domain says how its writes become alerts and which alerts the clock makes (a release's minute), without
importing ``portal.notify``; ``portal.notify`` queues, matches and sends them without importing a domain.
Never imports Flask.

Every alert carries the instant it became public (``public_at``). An alert from a write is public when the
write is (a calendar change, a correction, a table published at once); what waits for a release is told by
the clock, once the release is out (the one visibility rule, :func:`portal.kernel.access.is_released`),
never before: a write tied to a coming release makes no alert of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

#: What an alert is about, the topics people subscribe to: ``statistic:<slug>``, ``producer:<slug>``,
#: ``subject:<slug>``, ``table:<id>``, ``codelist:<id>``, and ``calendar`` (everything in the calendar).
CALENDAR = "calendar"


def topic(kind: str, key: object) -> str:
    return f"{kind}:{key}"


@dataclass(frozen=True)
class Alert:
    """One public change people can be told about, with its words in both languages."""

    kind: str  # release.announced, release.moved, release.cancelled, release.published, …
    ref: str  # what it is about: "release:123", "table:05333"
    topics: tuple[str, ...]
    public_at: datetime  # aware UTC
    title_nb: str
    title_en: str
    text_nb: str  # one line: what happened
    text_en: str
    path_nb: str  # the page that tells it
    path_en: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Write:
    """An audited write, as the alerts see it (``portal.kernel.audit.AuditEntry``'s fields)."""

    at: datetime
    action: str
    entity: str
    entity_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True)
class Notifiable:
    """What one domain tells people about.

    ``from_write(session, write)`` turns an audited write of one of ``entities`` into the alerts it makes
    public at once (read in the writing transaction); ``due(session, since, until)`` gives the alerts
    the clock makes public in ``(since, until]`` (aware UTC), such as a release going out with what it
    publishes. Both read the database only."""

    name: str
    entities: tuple[str, ...] = ()
    from_write: Callable[[Session, Write], Iterable[Alert]] | None = None
    due: Callable[[Session, datetime, datetime], Iterable[Alert]] | None = None
