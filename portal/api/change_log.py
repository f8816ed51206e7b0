"""The public change log programs follow (``/api/v1/changes``, issue 22): every alert event
(:class:`portal.notify.models.NotifyEvent`) once it is public, in the order of its id. No Flask.

Why a wait before an event is listed (``CHANGES_SETTLE_SECONDS``): an event's id is taken when its
transaction writes it, but other readers see it only when that transaction commits. A transaction that
took id 10 and commits after one that took id 11 would put 10 behind a harvester that already read 11 and
moved its cursor past it: that change would never reach it. So the log lists an event only once it is
older than the longest a writing transaction can stay open: the database's statement timeout is 30 s, and
the writes that queue events (one request, or one worker pass, ``portal.notify.events``) commit right
after it; the default wait, 35 s, is past it. An event also waits for its public time (``public_at``), so
nothing is listed before it is public.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.i18n import register_messages
from portal.notify.models import NotifyEvent

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

# What a kind and a topic can look like (portal.kernel.notifiable): anything else can match nothing,
# and refusing it tells a client about its typo instead of answering an empty log for ever.
_KIND = re.compile(r"[a-z_]+(\.[a-z_]+)*")
_TOPIC = re.compile(r"[a-z_]+(:[A-Za-z0-9_.\-]+)?")

register_messages(
    {
        "changes.after": (
            "after må være et id-nummer fra loggen (0 eller mer).",
            "after must be an id from the log (0 or more).",
        ),
        "changes.after_field": ("et helt tall, 0 eller mer", "a whole number, 0 or more"),
        "changes.limit": (
            "limit må være et helt tall fra 1 til {high}.",
            "limit must be a whole number from 1 to {high}.",
        ),
        "changes.limit_field": ("fra 1 til {high}", "from 1 to {high}"),
        "changes.kind": (
            "kind må være en hendelsestype som release.published.",
            "kind must be an event kind such as release.published.",
        ),
        "changes.kind_field": ("en hendelsestype", "an event kind"),
        "changes.topic": (
            "topic må være et emne som statistic:kpi, table:07459 eller calendar.",
            "topic must be a topic such as statistic:kpi, table:07459 or calendar.",
        ),
        "changes.topic_field": ("et emne", "a topic"),
        "changes.lang": ("lang må være nb eller en.", "lang must be nb or en."),
        "changes.lang_field": ("nb eller en", "nb or en"),
    }
)


@dataclass(frozen=True)
class ChangeQuery:
    """Where to read the log from and what to keep: events with ids above ``after``, at most
    ``limit``, of one ``kind`` and about one ``topic`` when given."""

    after: int = 0
    limit: int = DEFAULT_LIMIT
    kind: str | None = None
    topic: str | None = None


def _whole(args: Mapping[str, str], name: str, default: int) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def parse_change_query(args: Mapping[str, str]) -> ChangeQuery:
    """A :class:`ChangeQuery` from ``after``, ``limit``, ``kind`` and ``topic``. Raises BadRequest
    naming the bad parameter."""
    after = _whole(args, "after", 0)
    if after is None:
        raise BadRequest("", (FieldError.said("after", "changes.after_field"),)).said(
            "changes.after"
        )
    limit = _whole(args, "limit", DEFAULT_LIMIT)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(
            "", (FieldError.said("limit", "changes.limit_field", high=MAX_LIMIT),)
        ).said("changes.limit", high=MAX_LIMIT)
    kind = (args.get("kind") or "").strip() or None
    if kind is not None and (len(kind) > 40 or not _KIND.fullmatch(kind)):
        raise BadRequest("", (FieldError.said("kind", "changes.kind_field"),)).said("changes.kind")
    topic = (args.get("topic") or "").strip() or None
    if topic is not None and (len(topic) > 120 or not _TOPIC.fullmatch(topic)):
        raise BadRequest("", (FieldError.said("topic", "changes.topic_field"),)).said(
            "changes.topic"
        )
    return ChangeQuery(after=after, limit=limit, kind=kind, topic=topic)


def parse_language(raw: str | None, preferred: str) -> str:
    """``lang`` (nb, or no and nn for it; en) or, without it, ``preferred``. Raises BadRequest."""
    if raw is None or not raw.strip():
        return preferred
    lang = {"nb": "nb", "no": "nb", "nn": "nb", "en": "en"}.get(raw.strip().lower())
    if lang is None:
        raise BadRequest("", (FieldError.said("lang", "changes.lang_field"),)).said("changes.lang")
    return lang


@dataclass(frozen=True)
class ChangePage:
    """A page of the log, and the cursor to read on from (``after`` of the next read)."""

    items: tuple[NotifyEvent, ...]
    next_after: int


def list_changes(
    session: Session, query: ChangeQuery, now: datetime, settle: timedelta
) -> ChangePage:
    """The events after ``query.after`` by id, public at ``now`` (aware) and written more than
    ``settle`` before it (see the module's docstring), of the kind and topic asked for: up to the first
    event that is not both yet, so a cursor never passes an event that will be listed later."""
    # The log stops before the first event not listable yet, rather than skipping it: a request that
    # began earlier can take a later id, so an unsettled event can sit below settled ones, and a cursor
    # moved past it would never come back for it.
    barrier = session.scalar(
        select(func.min(NotifyEvent.id)).where(
            NotifyEvent.id > query.after,
            or_(NotifyEvent.public_at > now, NotifyEvent.created_at > now - settle),
        )
    )
    stmt = (
        select(NotifyEvent)
        .where(NotifyEvent.id > query.after)
        .order_by(NotifyEvent.id)
        .limit(query.limit)
    )
    if barrier is not None:
        stmt = stmt.where(NotifyEvent.id < barrier)
    if query.kind is not None:
        stmt = stmt.where(NotifyEvent.kind == query.kind)
    if query.topic is not None:
        # The topics are a JSON list of ASCII strings (the pattern above): the topic in quotes is in
        # its text, as SQLite and PostgreSQL write it, exactly when it is in the list.
        stmt = stmt.where(
            cast(NotifyEvent.topics, String).contains(f'"{query.topic}"', autoescape=True)
        )
    items = list(session.scalars(stmt))
    if len(items) == query.limit:
        return ChangePage(tuple(items), items[-1].id)
    # A short page read everything listable: continue after the last listable id, past the events the
    # kind or topic left out, so the next read does not scan them again.
    last = (
        barrier - 1
        if barrier is not None
        else session.scalar(select(func.max(NotifyEvent.id)).where(NotifyEvent.id > query.after))
    )
    return ChangePage(tuple(items), max(query.after, last or 0))
