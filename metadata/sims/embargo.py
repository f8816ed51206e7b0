"""When a documentation version becomes public, and what a new version may not overtake. Never imports
Flask.

A version published with a release goes out at that release's time, moving with it; a version whose
release was cancelled is *withdrawn* and never goes out. Each version is built on the one before it (the
working copy starts from the newest version), so a version never goes out before an earlier version that
is still to come: its instant is the latest of its own and theirs. Without that, a typo fix published
"now" on top of a version waiting for a release carried the waiting text out at once (issue 16). A
withdrawn version holds nothing back; the working copy is built on the newest version that is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import case, exists, func, literal, null, select, type_coerce
from sqlalchemy.orm import Session, aliased

from metadata.sims.models import DocumentationVersion
from portal.kernel.access import CANCELLED_STATE, NEVER, RELEASED_STATE, is_released, pending_filter
from portal.kernel.clock import in_oslo
from portal.kernel.errors import Conflict, FieldError
from release_calendar.models import Release

CANCELLED = CANCELLED_STATE


def _never() -> Any:
    return literal(NEVER, DocumentationVersion.visible_from.type)


@cache
def goes_out_at() -> Any:
    """The instant a version becomes public, as a SQL expression correlated to
    :class:`DocumentationVersion`: the latest of its own instant and those of the earlier versions that
    are not withdrawn (its own: its release's time, moving with it, or ``visible_from`` without one;
    ``NEVER`` for a release that is not confirmed). A withdrawn version: ``NEVER``. UTC; computed at
    query time, like every visibility. Built once: the expression holds no values, and the same
    object each time lets SQLAlchemy reuse the compiled statement (building it took milliseconds, paid
    per statistic on the producers' overview pages)."""
    earlier, tied = aliased(DocumentationVersion), aliased(Release)
    own = case(
        (tied.id.is_(None), earlier.visible_from),
        (tied.state == RELEASED_STATE, tied.release_at),
        (tied.state == CANCELLED, null()),  # withdrawn: holds nothing back
        else_=_never(),
    )
    chain = (
        select(func.max(own))
        .select_from(earlier)
        .outerjoin(tied, tied.id == earlier.release_id)
        .where(
            earlier.statistic_id == DocumentationVersion.statistic_id,
            earlier.number <= DocumentationVersion.number,
        )
        .correlate(DocumentationVersion)
        .scalar_subquery()
    )
    cancelled = aliased(Release)
    withdrawn = (
        exists()
        .where(
            cancelled.id == DocumentationVersion.release_id,
            cancelled.state == CANCELLED,
        )
        .correlate(DocumentationVersion)
    )
    return type_coerce(
        case((withdrawn, _never()), else_=chain), DocumentationVersion.visible_from.type
    )


@cache
def not_withdrawn() -> Any:
    """A condition on :class:`DocumentationVersion`: its release, if any, is not cancelled (built once,
    as :func:`goes_out_at`)."""
    cancelled = aliased(Release)
    return ~(
        exists()
        .where(
            cancelled.id == DocumentationVersion.release_id,
            cancelled.state == CANCELLED,
        )
        .correlate(DocumentationVersion)
    )


@dataclass(frozen=True)
class Waiting:
    """A published version that is not public yet because its release is still to come (or, with
    ``withdrawn``, was cancelled). ``release_at`` is UTC."""

    number: int
    release_id: int
    release_title_nb: str
    release_title_en: str
    release_at: datetime
    withdrawn: bool = False


def _waiting(version: DocumentationVersion, release: Release) -> Waiting:
    return Waiting(
        version.number,
        release.id,
        release.title_nb,
        release.title_en,
        release.release_at,
        release.state == CANCELLED,
    )


def waiting_version(session: Session, statistic_id: int, now: datetime) -> Waiting | None:
    """The version whose release, still to come at ``now``, is the latest: no new version may go out
    before that release. None when nothing waits."""
    found = session.execute(
        select(DocumentationVersion, Release)
        .join(Release, Release.id == DocumentationVersion.release_id)
        .where(
            DocumentationVersion.statistic_id == statistic_id,
            pending_filter(Release.state, Release.release_at, now),
        )
        .order_by(Release.release_at.desc(), DocumentationVersion.number.desc())
        .limit(1)
    ).first()
    return _waiting(*found) if found else None


def withdrawn_base(
    session: Session, statistic_id: int, based_on: int | None, now: datetime
) -> Waiting | None:
    """Version ``based_on`` if it is withdrawn (its release cancelled before it went out), else None."""
    if based_on is None:
        return None
    found = session.execute(
        select(DocumentationVersion, Release)
        .join(Release, Release.id == DocumentationVersion.release_id)
        .where(
            DocumentationVersion.statistic_id == statistic_id,
            DocumentationVersion.number == based_on,
            Release.state == CANCELLED,
        )
    ).first()
    if found is None or is_released(found[1].state, found[1].release_at, now):
        return None
    return _waiting(*found)


class WaitsForRelease(Conflict):
    """Publishing would make text that waits for a release (or was withdrawn with a cancelled one)
    public before it. ``reason``: ``now`` (published now), ``earlier`` (with an earlier release) or
    ``cancelled`` (the draft builds on a withdrawn version). Pages word it in their own language."""

    def __init__(self, waiting: Waiting, reason: str) -> None:
        super().__init__("")
        self.said(
            f"doc.refuse.waits.{reason}",
            n=waiting.number,
            release=waiting.release_title_en or waiting.release_title_nb,
            when=in_oslo(waiting.release_at).strftime("%Y-%m-%d %H:%M %Z"),
            id=waiting.release_id,
        )
        self.errors = (
            FieldError.said("/with_release", "doc.field.coming_release")
            if reason == "cancelled"
            else FieldError.said(
                "/with_release", "doc.field.release_or_later", id=waiting.release_id
            ),
        )
        self.waiting = waiting
        self.reason = reason


def refuse_overtaking(
    session: Session,
    statistic_id: int,
    based_on: int | None,
    release: Release | None,
    now: datetime,
) -> None:
    """Raise WaitsForRelease if a new version going out with ``release`` (None: now) would carry
    text out before the release it waits for."""
    pending = waiting_version(session, statistic_id, now)
    if pending is not None:
        if release is None:
            raise WaitsForRelease(pending, "now")
        if release.release_at < pending.release_at:
            raise WaitsForRelease(pending, "earlier")
    if release is None:
        withdrawn = withdrawn_base(session, statistic_id, based_on, now)
        if withdrawn is not None:
            raise WaitsForRelease(withdrawn, "cancelled")
