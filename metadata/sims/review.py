"""Keeping documentation current at each release (K68): which coming releases still need a review,
recording "reviewed, no change", and the share of published releases whose documentation was reviewed.

A release counts as reviewed when, after the statistic's previous release went out, its producer either
published a new documentation version or confirmed "reviewed, no change" for it. The version in force
at each release is read from the versions' own times, so nothing has to run at release time.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from metadata.sims.models import DocumentationReview, DocumentationVersion
from metadata.sims.service import version_in_force
from portal.kernel.access import (
    Actor,
    Permission,
    ahead_filter,
    ensure_permission,
    is_pending,
    released_filter,
)
from portal.kernel.audit import record_write
from portal.kernel.errors import Conflict, NotFound
from release_calendar.models import Release


@dataclass(frozen=True)
class ReviewItem:
    release_id: int
    statistic_slug: str
    title_nb: str
    title_en: str
    release_at: datetime
    reviewed: bool
    version_in_force: int | None


def _previous_out(session: Session, release: Release, now: datetime) -> datetime | None:
    return session.scalar(
        select(Release.release_at)
        .where(
            Release.statistic_id == release.statistic_id,
            Release.release_at < release.release_at,
            released_filter(Release.state, Release.release_at, now),
        )
        .order_by(Release.release_at.desc())
        .limit(1)
    )


def is_reviewed(session: Session, release: Release, now: datetime) -> bool:
    """Whether the documentation was reviewed for ``release`` (as known at ``now``)."""
    if session.scalar(
        select(DocumentationReview.id).where(DocumentationReview.release_id == release.id)
    ):
        return True
    since = _previous_out(session, release, now)
    stmt = select(DocumentationVersion.id).where(
        DocumentationVersion.statistic_id == release.statistic_id,
        DocumentationVersion.published_at <= min(now, release.release_at),
    )
    if since is not None:
        stmt = stmt.where(DocumentationVersion.published_at > since)
    return session.scalar(stmt.limit(1)) is not None


def upcoming(
    session: Session, producer_ids: frozenset[int] | None, now: datetime, limit: int = 200
) -> list[ReviewItem]:
    """Coming releases of these producers (None: all) with their review state, soonest first."""
    from portal.programme.models import Statistic

    stmt = (
        select(Release)
        .join(Statistic, Release.statistic_id == Statistic.id)
        .where(ahead_filter(Release.state, Release.release_at, now))
        .order_by(Release.release_at)
        .limit(limit)
    )
    if producer_ids is not None:
        stmt = stmt.where(Statistic.producer_id.in_(producer_ids))
    return [
        ReviewItem(
            r.id,
            r.statistic.slug,
            r.title_nb,
            r.title_en,
            r.release_at,
            is_reviewed(session, r, now),
            version_in_force(session, r.statistic_id, now),
        )
        for r in session.scalars(stmt)
    ]


def confirm_reviewed(session: Session, actor: Actor | None, release_id: int, now: datetime) -> None:
    """Record "reviewed, no change" for a coming release. Raises 401/403/404, Conflict."""
    release = session.get(Release, release_id)
    if release is None:
        raise NotFound("").said("doc.refuse.no_release", id=release_id)
    actor = ensure_permission(actor, Permission.DOCUMENTATION_WRITE, release.statistic.producer_id)
    if not is_pending(release.state, release.release_at, now):
        raise Conflict("").said("doc.refuse.review_late")
    if session.scalar(
        select(DocumentationReview.id).where(DocumentationReview.release_id == release_id)
    ):
        raise Conflict("").said("doc.refuse.reviewed_already")
    number = version_in_force(session, release.statistic_id, now)
    session.add(
        DocumentationReview(
            statistic_id=release.statistic_id,
            release_id=release_id,
            version_number=number,
            reviewed_at=now,
            reviewed_by=actor.label,
        )
    )
    session.flush()
    record_write(
        session,
        actor=actor,
        at=now,
        action="review",
        entity="documentation",
        entity_id=release.statistic.slug,
        producer_id=release.statistic.producer_id,
        before=None,
        after={"release": release_id, "version": number},
    )


def reviewed_share(session: Session, now: datetime) -> tuple[int, int]:
    """(reviewed, published): published releases whose documentation was reviewed beforehand, each
    judged as :func:`is_reviewed` judges it at its own release time. Three queries whatever the number
    of releases (the portal administrator's overview asks it on every visit)."""
    out = session.execute(
        select(Release.id, Release.statistic_id, Release.release_at)
        .where(released_filter(Release.state, Release.release_at, now))
        .order_by(Release.statistic_id, Release.release_at)
    ).all()
    confirmed = set(session.scalars(select(DocumentationReview.release_id)))
    published: dict[int, list[datetime]] = {}
    for statistic_id, at in session.execute(
        select(DocumentationVersion.statistic_id, DocumentationVersion.published_at).order_by(
            DocumentationVersion.published_at
        )
    ):
        published.setdefault(statistic_id, []).append(at)
    reviewed = 0
    statistic, last, since = None, None, None
    for release_id, statistic_id, release_at in out:
        # Since the statistic's previous release went out: the latest earlier one (the rows are by
        # statistic, then time; one at the same instant is not earlier).
        if statistic_id != statistic:
            statistic, last, since = statistic_id, None, None
        if last is not None and last < release_at:
            since = last
        last = release_at
        times = published.get(statistic_id, [])
        # A version published after the previous release went out and by this one's time.
        first = bisect_right(times, since) if since is not None else 0
        if release_id in confirmed or bisect_right(times, release_at) > first:
            reviewed += 1
    return reviewed, len(out)
