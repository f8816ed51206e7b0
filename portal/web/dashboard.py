"""What "Min side" shows a producer's editor: coming releases and the date by which each must be
confirmed, documentation to complete or review, code lists with drafts, and colleagues' recent changes.

Plain Python with an explicit actor and clock, so the page and the tests read the same thing. It lives in
the shell because it composes four domains; each part comes from its domain's own service and rules (the
3-month rule is :func:`release_calendar.rules.announcement_deadline`, never computed again here). Every
part is limited to the actor's producers (:func:`portal.kernel.access.writable_producer_ids`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from metadata.codelists import editing as codelists
from metadata.sims import review
from metadata.sims import service as documentation
from metadata.sims.models import DocumentationDraft, DocumentationVersion
from portal.kernel import audit
from portal.kernel.access import Actor, writable_producer_ids
from portal.kernel.clock import in_oslo
from portal.programme.models import Producer, Statistic
from portal.web import audit_words
from portal.web import messages as _messages  # noqa: F401  (registers the strings)
from release_calendar import listing
from release_calendar.rules import (
    MONTHS_EN,
    MONTHS_NB,
    Precision,
    State,
    Status,
    announcement_deadline,
)

#: A provisional release whose confirmation deadline is this close (or past) is shown first, as at risk.
AT_RISK_DAYS = 14
#: How many items of each kind the page lists; the domains' own pages, linked from it, list all.
MAX_ITEMS = 20
MAX_GAPS = 10


@dataclass(frozen=True)
class ComingRelease:
    """A release still ahead. ``confirm_by`` (UTC) is the last instant at which confirming it meets the
    3-month rule (K11), set only while it is provisional; for a month or quarter the rule is read from
    the period's first day, the earliest the release can fall. ``days_left`` counts Oslo calendar days
    from today to that date (0 on the day itself, negative after); ``deadline_passed`` compares the
    instants, so it turns true at the deadline's minute."""

    id: int
    statistic_slug: str
    statistic_name_nb: str
    statistic_name_en: str
    title_nb: str
    title_en: str
    release_at: datetime
    precision: Precision
    status: Status
    confirm_by: datetime | None
    days_left: int | None
    deadline_passed: bool
    late: bool

    @property
    def at_risk(self) -> bool:
        return self.days_left is not None and self.days_left <= AT_RISK_DAYS


@dataclass(frozen=True)
class DocumentationGap:
    """A statistic whose published "Om statistikken" lacks required fields."""

    statistic_slug: str
    statistic_name_nb: str
    statistic_name_en: str
    done: int
    required: int
    has_draft: bool


@dataclass(frozen=True)
class ReviewDue:
    """A coming release whose documentation is not yet reviewed (K68)."""

    release_id: int
    statistic_slug: str
    title_nb: str
    title_en: str
    release_at: datetime


@dataclass(frozen=True)
class CodeListDrafts:
    """A code list with versions or variants not yet published."""

    id: int
    name_nb: str
    name_en: str
    draft_versions: int
    draft_variants: int


@dataclass(frozen=True)
class ColleagueChange:
    """One write by someone else at the actor's producers, as a sentence naming who did what to which
    object (``entity`` and ``entity_id`` say where it is acted on)."""

    at: datetime
    entity: str
    entity_id: str
    sentence: str


@dataclass(frozen=True)
class Dashboard:
    releases: tuple[ComingRelease, ...]
    more_releases: int
    documentation: tuple[DocumentationGap, ...]
    more_documentation: int
    reviews: tuple[ReviewDue, ...]
    code_lists: tuple[CodeListDrafts, ...]
    changes: tuple[ColleagueChange, ...]


def oslo_days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days in Oslo from ``earlier``'s date to ``later``'s, so a DST change never shifts a day."""
    return (in_oslo(later).date() - in_oslo(earlier).date()).days


def day_label(moment: datetime, lang: str) -> str:
    """An instant's Oslo date as people write it: "28. februar 2027" or "28 February 2027"."""
    local = in_oslo(moment)
    if lang == "nb":
        return f"{local.day}. {MONTHS_NB[local.month - 1]} {local.year}"
    return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"


def _coming(view: listing.ReleaseView, now: datetime) -> ComingRelease:
    confirm_by = announcement_deadline(view.release_at) if view.state is State.PROVISIONAL else None
    return ComingRelease(
        id=view.id,
        statistic_slug=view.statistic_slug,
        statistic_name_nb=view.statistic_name_nb,
        statistic_name_en=view.statistic_name_en,
        title_nb=view.title_nb,
        title_en=view.title_en,
        release_at=view.release_at,
        precision=view.precision,
        status=view.status,
        confirm_by=confirm_by,
        days_left=None if confirm_by is None else oslo_days_between(now, confirm_by),
        deadline_passed=confirm_by is not None and confirm_by < now,
        late=view.late,
    )


def coming_releases(
    session: Session, scope: frozenset[int] | None, now: datetime
) -> list[ComingRelease]:
    """Releases of these producers (None: all) still ahead at ``now`` and not cancelled: those at risk
    of missing the 3-month rule first, soonest deadline first, then the rest by release time."""
    slugs: tuple[str | None, ...] = (
        (None,)
        if scope is None
        else tuple(session.scalars(select(Producer.slug).where(Producer.id.in_(scope))))
    )
    found = [
        _coming(view, now)
        for slug in slugs
        for view in listing.list_releases(
            session,
            listing.ReleaseQuery(producer=slug, start=now, per_page=listing.MAX_PER_PAGE),
            now,
        ).items
        if view.status is not Status.CANCELLED and not view.is_out
    ]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(
        found,
        key=lambda r: (
            not r.at_risk,
            r.confirm_by if r.at_risk and r.confirm_by else far,
            r.release_at,
            r.id,
        ),
    )


def _statistics(session: Session, scope: frozenset[int] | None) -> list[Statistic]:
    stmt = select(Statistic).order_by(Statistic.name_nb)
    if scope is not None:
        stmt = stmt.where(Statistic.producer_id.in_(scope))
    return list(session.scalars(stmt))


def documentation_gaps(
    session: Session, scope: frozenset[int] | None, now: datetime
) -> list[DocumentationGap]:
    """Statistics of these producers whose public documentation at ``now`` is incomplete: those with a
    draft under way first, then the least complete (applies the visibility rule through
    :func:`metadata.sims.service.published`)."""
    statistics = _statistics(session, scope)
    ids = [s.id for s in statistics]
    drafted = set(
        session.scalars(
            select(DocumentationDraft.statistic_id).where(DocumentationDraft.statistic_id.in_(ids))
        )
    )
    # Asking for the public version costs ~30 ms a statistic (measured on the demo, 70 statistics:
    # 1.6 s); one without any version has nothing public to ask about, so it is asked once for all.
    versioned = set(
        session.scalars(
            select(DocumentationVersion.statistic_id)
            .where(DocumentationVersion.statistic_id.in_(ids))
            .distinct()
        )
    )
    blank = documentation.completeness({})
    gaps = []
    for statistic in statistics:
        done = (
            documentation.completeness(
                documentation.published(session, statistic.slug, now).entries
            )
            if statistic.id in versioned
            else blank
        )
        if done.missing:
            gaps.append(
                DocumentationGap(
                    statistic.slug,
                    statistic.name_nb,
                    statistic.name_en,
                    done.filled + done.not_relevant,
                    done.required,
                    statistic.id in drafted,
                )
            )
    return sorted(gaps, key=lambda g: (not g.has_draft, g.done / g.required, g.statistic_name_nb))


def reviews_due(session: Session, scope: frozenset[int] | None, now: datetime) -> list[ReviewDue]:
    """Coming releases of these producers whose documentation still needs its review, soonest first."""
    return [
        ReviewDue(
            item.release_id, item.statistic_slug, item.title_nb, item.title_en, item.release_at
        )
        for item in review.upcoming(session, scope, now, limit=MAX_ITEMS)
        if not item.reviewed
    ]


def code_lists_with_drafts(session: Session, actor: Actor) -> list[CodeListDrafts]:
    """The code lists ``actor`` may change that have a version or variant not yet published."""
    found = []
    for classification in codelists.list_own(session, actor):
        versions = sum(1 for v in classification.versions if not v.published)
        variants = sum(
            1 for v in classification.versions for variant in v.variants if not variant.published
        )
        if versions or variants:
            found.append(
                CodeListDrafts(
                    classification.id,
                    classification.name_nb,
                    classification.name_en,
                    versions,
                    variants,
                )
            )
    return found


def colleague_changes(
    session: Session, actor: Actor, scope: frozenset[int] | None, limit: int = MAX_GAPS
) -> list[ColleagueChange]:
    """The newest writes at these producers by anyone but ``actor``, newest first, each a sentence in
    the request's language (:func:`portal.web.audit_words.describe`: names, never e-mail addresses)."""
    if scope is not None and not scope:
        return []
    entries = [
        e
        # Read more than shown, so a burst of the actor's own writes does not hide the colleagues'.
        for e in audit.list_entries(session, producer_ids=scope, limit=limit * 5)
        if not (e.actor_kind == actor.kind and e.actor_id == actor.id)
    ][:limit]
    return [
        ColleagueChange(e.at, e.entity, e.entity_id, told.sentence)
        for e, told in zip(entries, audit_words.describe(session, entries), strict=True)
    ]


def build_dashboard(session: Session, actor: Actor, now: datetime) -> Dashboard:
    """Everything "Min side" shows ``actor`` at ``now`` (aware UTC), for the actor's producers only."""
    scope = writable_producer_ids(actor)
    releases = coming_releases(session, scope, now)
    shown = releases[:MAX_ITEMS]
    # Every release at risk is shown, however many there are: they are the point of the page.
    shown += [r for r in releases[MAX_ITEMS:] if r.at_risk]
    gaps = documentation_gaps(session, scope, now)
    return Dashboard(
        releases=tuple(shown),
        more_releases=len(releases) - len(shown),
        documentation=tuple(gaps[:MAX_GAPS]),
        more_documentation=max(0, len(gaps) - MAX_GAPS),
        reviews=tuple(reviews_due(session, scope, now)),
        code_lists=tuple(code_lists_with_drafts(session, actor)),
        changes=tuple(colleague_changes(session, actor, scope)),
    )
