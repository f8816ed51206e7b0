"""Reading the calendar: releases as the public (or their producer) may see them at a given instant.

Everything here takes ``now`` and applies :func:`portal.kernel.access.is_released`: a release note or a
pre-release-access disclosure exists in these views only once its release is out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.access import embargoed_filter, is_released, released_filter
from portal.kernel.db import UTCDateTime
from portal.kernel.errors import BadRequest, NotFound
from portal.kernel.querying import contains
from portal.programme.models import Producer, Statistic, SubjectArea
from release_calendar.models import CalendarRevision, Correction, Release, ReleaseChange
from release_calendar.rules import (
    Action,
    Kind,
    Move,
    Precision,
    Reason,
    State,
    Status,
    classify_move,
    derive_status,
)

MAX_PER_PAGE = 500


@dataclass(frozen=True)
class ChangeView:
    at: datetime
    action: Action
    old_release_at: datetime | None
    new_release_at: datetime | None
    old_precision: Precision | None
    new_precision: Precision | None
    reason_code: Reason | None
    reason_text: str | None
    reason_text_en: str | None
    late: bool
    later: bool
    earlier: bool


@dataclass(frozen=True)
class CorrectionView:
    at: datetime
    what_was_wrong_nb: str
    what_was_wrong_en: str
    what_changed_nb: str
    what_changed_en: str


@dataclass(frozen=True)
class AccessView:
    recipient: str
    purpose: str
    purpose_en: str | None
    hours_before: int


@dataclass(frozen=True)
class ReleaseView:
    id: int
    statistic_slug: str
    statistic_name_nb: str
    statistic_name_en: str
    producer_slug: str
    producer_short_name: str
    title_nb: str
    title_en: str
    kind: Kind
    period_start: date
    period_end: date
    period_label_nb: str
    period_label_en: str
    release_at: datetime
    precision: Precision
    state: State
    status: Status
    is_out: bool
    late: bool
    late_justification: str | None
    late_justification_en: str | None
    first_confirmed_at: datetime | None
    moved_earlier: bool
    contents_nb: str
    contents_en: str
    # None until the release is out: embargoed.
    release_note_nb: str | None
    release_note_en: str | None
    pre_release_access: tuple[AccessView, ...] | None
    cancel_reason_code: Reason | None
    cancel_reason_text: str | None
    cancel_reason_text_en: str | None
    changes: tuple[ChangeView, ...]
    corrections: tuple[CorrectionView, ...]
    updated_at: datetime
    version: int

    @property
    def sequence(self) -> int:
        """Significant changes so far; calendars replace an event when this grows (RFC 5545 SEQUENCE)."""
        return max(0, len(self.changes) - 1) + len(self.corrections)


@dataclass(frozen=True)
class ReleaseQuery:
    producer: str | None = None
    subject_area: str | None = None
    statistic: str | None = None
    kind: Kind | None = None
    status: Status | None = None
    text: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    newest_first: bool = False
    # Aware: releases whose last public change (:func:`public_since`) is later than this.
    updated_after: datetime | None = None
    page: int = 1
    per_page: int = 100


@dataclass(frozen=True)
class ReleasePage:
    items: tuple[ReleaseView, ...]
    total: int
    page: int
    per_page: int
    query: ReleaseQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _change_view(change: ReleaseChange) -> ChangeView:
    move = classify_move(change.old_release_at, change.new_release_at)
    return ChangeView(
        at=change.at,
        action=change.action,
        old_release_at=change.old_release_at,
        new_release_at=change.new_release_at,
        old_precision=change.old_precision,
        new_precision=change.new_precision,
        reason_code=change.reason_code,
        reason_text=change.reason_text,
        reason_text_en=change.reason_text_en,
        late=change.late,
        later=move.later and change.action == Action.RESCHEDULED,
        earlier=move.earlier and change.action == Action.RESCHEDULED,
    )


def _correction_view(c: Correction) -> CorrectionView:
    return CorrectionView(
        c.at, c.what_was_wrong_nb, c.what_was_wrong_en, c.what_changed_nb, c.what_changed_en
    )


def release_view(release: Release, now: datetime) -> ReleaseView:
    """The release as it may be shown at ``now``; embargoed parts are None until it is out."""
    changes = tuple(_change_view(c) for c in release.changes)
    moves = [c for c in changes if c.action == Action.RESCHEDULED]
    last_move = Move(moves[-1].later, moves[-1].earlier) if moves else None
    out = is_released(release.state, release.release_at, now)
    cancel = next((c for c in reversed(changes) if c.action == Action.CANCELLED), None)
    statistic = release.statistic
    return ReleaseView(
        id=release.id,
        statistic_slug=statistic.slug,
        statistic_name_nb=statistic.name_nb,
        statistic_name_en=statistic.name_en,
        producer_slug=statistic.producer.slug,
        producer_short_name=statistic.producer.short_name,
        title_nb=release.title_nb,
        title_en=release.title_en,
        kind=release.kind,
        period_start=release.period_start,
        period_end=release.period_end,
        period_label_nb=release.period_label_nb,
        period_label_en=release.period_label_en,
        release_at=release.release_at,
        precision=release.precision,
        state=release.state,
        status=derive_status(release.state, release.release_at, now, last_move=last_move),
        is_out=out,
        late=any(c.late for c in changes),
        late_justification=release.late_justification,
        late_justification_en=release.late_justification_en,
        first_confirmed_at=release.first_confirmed_at,
        moved_earlier=any(c.earlier for c in changes),
        contents_nb=release.contents_nb,
        contents_en=release.contents_en,
        release_note_nb=release.release_note_nb if out else None,
        release_note_en=release.release_note_en if out else None,
        pre_release_access=tuple(
            AccessView(a.recipient, a.purpose, a.purpose_en, a.hours_before)
            for a in release.pre_release_access
        )
        if out
        else None,
        cancel_reason_code=cancel.reason_code if cancel else None,
        cancel_reason_text=cancel.reason_text if cancel else None,
        cancel_reason_text_en=cancel.reason_text_en if cancel else None,
        changes=changes,
        corrections=tuple(_correction_view(c) for c in release.corrections),
        updated_at=release.updated_at,
        version=release.version,
    )


def _with_everything(stmt: Select[Release]) -> Select[Release]:
    return stmt.options(
        selectinload(Release.statistic).selectinload(Statistic.producer),
        selectinload(Release.changes),
        selectinload(Release.corrections),
        selectinload(Release.pre_release_access),
    )


#: Other words for the name filter (the search's synonym list, issue 18: "KPI" finds "konsumprisindeks"):
#: ``(session, text) -> [text, expansions…]``. Registered by the search domain, which the calendar may
#: not import; without one the filter looks for the text alone.
TextExpansion = Callable[[Session, str], list[str]]
_expansion: list[TextExpansion] = []


def register_text_expansion(expand: TextExpansion) -> None:
    """Look for ``expand(session, text)`` as well as ``text`` in the calendar's name filter."""
    _expansion[:] = [expand]


def _texts(session: Session, text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    found = _expansion[0](session, text) if _expansion else [text]
    return tuple(dict.fromkeys([text, *found]))


def _filtered(query: ReleaseQuery, now: datetime, texts: tuple[str, ...] = ()) -> Select[Release]:
    stmt = select(Release).join(Statistic, Release.statistic_id == Statistic.id)
    if query.producer:
        stmt = stmt.join(Producer, Statistic.producer_id == Producer.id).where(
            Producer.slug == query.producer
        )
    if query.subject_area:
        stmt = stmt.where(Statistic.subject_areas.any(SubjectArea.slug == query.subject_area))
    if query.statistic:
        stmt = stmt.where(Statistic.slug == query.statistic)
    if query.kind:
        stmt = stmt.where(Release.kind == query.kind)
    if query.text:
        columns = (Release.title_nb, Release.title_en, Statistic.name_nb, Statistic.name_en)
        stmt = stmt.where(
            or_(*(contains(column, text) for text in texts or (query.text,) for column in columns))
        )
    if query.start:
        stmt = stmt.where(Release.release_at >= query.start)
    if query.end:
        stmt = stmt.where(Release.release_at < query.end)
    if query.status is Status.CANCELLED:
        stmt = stmt.where(Release.state == State.CANCELLED)
    elif query.status is Status.PROVISIONAL:
        stmt = stmt.where(Release.state == State.PROVISIONAL)
    elif query.status is Status.PUBLISHED:
        stmt = stmt.where(released_filter(Release.state, Release.release_at, now))
    elif query.status in (Status.CONFIRMED, Status.POSTPONED):
        stmt = stmt.where(embargoed_filter(Release.state, Release.release_at, now))
    if query.updated_after is not None:
        stmt = stmt.where(public_since(now) > literal(query.updated_after, UTCDateTime()))
    return stmt


def public_since(now: datetime) -> ColumnElement[datetime]:
    """When a release last changed as the public sees it at ``now``: its last saved change (the
    calendar shows those at once), or its release instant once it has gone out (the one visibility
    rule), whichever is later. A release still to come is never "updated" by its coming release time."""
    return case(
        (
            and_(
                released_filter(Release.state, Release.release_at, now),
                Release.release_at > Release.updated_at,
            ),
            Release.release_at,
        ),
        else_=Release.updated_at,
    )


def list_releases(session: Session, query: ReleaseQuery, now: datetime) -> ReleasePage:
    """A page of releases matching ``query``, by release time. Raises BadRequest for bad paging."""
    if query.page < 1 or not 1 <= query.per_page <= MAX_PER_PAGE:
        raise BadRequest("").said("cal.bad.paging", max=MAX_PER_PAGE)
    stmt = _filtered(query, now, _texts(session, query.text))
    order = (
        (Release.release_at.desc(), Release.id.desc())
        if query.newest_first
        else (Release.release_at, Release.id)
    )
    start = (query.page - 1) * query.per_page
    if query.status in (Status.CONFIRMED, Status.POSTPONED):
        # Postponed is read from each release's history, so these two are told apart after loading.
        rows = session.scalars(_with_everything(stmt.order_by(*order)))
        views = [v for v in (release_view(r, now) for r in rows) if v.status is query.status]
        return ReleasePage(
            tuple(views[start : start + query.per_page]),
            len(views),
            query.page,
            query.per_page,
            query,
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        _with_everything(stmt.order_by(*order).limit(query.per_page).offset(start))
    )
    return ReleasePage(
        tuple(release_view(r, now) for r in rows), total, query.page, query.per_page, query
    )


def matching(session: Session, query: ReleaseQuery, now: datetime) -> Select[Release]:
    """The releases matching ``query``'s filters at ``now``, unordered and unpaged (joined to their
    statistic), for readers that pick their own columns (the feeds' fragments, issue 23). The
    confirmed/postponed split is not in it: that is read from each release's history."""
    return _filtered(query, now, _texts(session, query.text))


def all_releases(
    session: Session, query: ReleaseQuery, now: datetime, limit: int
) -> list[ReleaseView]:
    """Every release matching ``query`` (ignoring its paging) up to ``limit``, for the feeds."""
    stmt = _filtered(query, now, _texts(session, query.text))
    order = (
        (Release.release_at.desc(), Release.id.desc())
        if query.newest_first
        else (Release.release_at, Release.id)
    )
    rows = session.scalars(_with_everything(stmt.order_by(*order).limit(limit)))
    views = [release_view(r, now) for r in rows]
    if query.status is not None:
        views = [v for v in views if v.status is query.status]
    return views


def views_by_id(session: Session, ids: Sequence[int], now: datetime) -> dict[int, ReleaseView]:
    """The releases ``ids`` as they may be shown at ``now``, by id (ids that do not exist are left out)."""
    found: dict[int, ReleaseView] = {}
    for start in range(0, len(ids), 500):
        stmt = _with_everything(select(Release).where(Release.id.in_(ids[start : start + 500])))
        found.update((r.id, release_view(r, now)) for r in session.scalars(stmt))
    return found


@dataclass(frozen=True)
class DataVersion:
    """Changes whenever anything a calendar channel shows could change: an edit, a release going out at
    its time, a statistic renamed. Feeds are cached under ``token``; ``last_change`` is Last-Modified."""

    token: str
    last_change: datetime | None


def data_version(session: Session, now: datetime) -> DataVersion:
    """One round trip: the calendar's write counter, the newest release already out (an index probe;
    it changes at release time with no write at all) and the statistics' versions (their names appear in
    every channel). Feeds ask this on every request, so it must stay cheap (bench/calendar_feeds.py)."""
    out = (
        select(Release.release_at)
        .where(released_filter(Release.state, Release.release_at, now))
        .order_by(Release.release_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    renamed = select(func.max(Statistic.updated_at)).scalar_subquery()
    statistic_versions = select(func.sum(Statistic.version)).scalar_subquery()
    row = session.execute(
        select(
            CalendarRevision.revision, CalendarRevision.changed_at, out, renamed, statistic_versions
        ).where(CalendarRevision.id == 1)
    ).one()
    revision, changed_at, out_at, renamed_at, versions = row
    stamps = [_aware(s) for s in (changed_at, out_at, renamed_at) if s is not None]
    return DataVersion(f"{revision}|{out_at}|{versions}", max(stamps) if stamps else None)


def _aware(value: datetime | str) -> datetime:
    # Scalar subqueries come back without the column's type on SQLite: text, naive UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def get_release(session: Session, release_id: int, now: datetime) -> ReleaseView:
    """One release as it may be shown at ``now``. Raises NotFound."""
    release = session.scalar(_with_everything(select(Release).where(Release.id == release_id)))
    if release is None:
        raise NotFound("").said("rel.no_release", id=release_id)
    return release_view(release, now)


@dataclass(frozen=True)
class ChangeNotice:
    """One entry on the public changes page and feed."""

    at: datetime
    kind: str  # "postponed", "brought-forward", "cancelled", "late-announcement", "correction"
    release: ReleaseView
    change: ChangeView | None
    correction: CorrectionView | None


def list_change_notices(session: Session, now: datetime, limit: int = 100) -> list[ChangeNotice]:
    """Recent date changes, cancellations, late announcements and corrections, newest first."""
    change_rows = session.execute(
        select(ReleaseChange.release_id, ReleaseChange.id)
        .where(
            ReleaseChange.at <= now,
            or_(
                ReleaseChange.action.in_([Action.RESCHEDULED, Action.CANCELLED]),
                ReleaseChange.late.is_(True),
            ),
        )
        .order_by(ReleaseChange.at.desc(), ReleaseChange.id.desc())
        .limit(limit)
    ).all()
    correction_rows = session.execute(
        select(Correction.release_id, Correction.id)
        .where(Correction.at <= now)
        .order_by(Correction.at.desc(), Correction.id.desc())
        .limit(limit)
    ).all()
    ids = {r for r, _ in change_rows} | {r for r, _ in correction_rows}
    releases = {
        r.id: r
        for r in session.scalars(_with_everything(select(Release).where(Release.id.in_(ids))))
    }
    notices: list[ChangeNotice] = []
    for release_id, change_id in change_rows:
        release = releases[release_id]
        view = release_view(release, now)
        row = next(c for c in release.changes if c.id == change_id)
        change = _change_view(row)
        if change.action == Action.CANCELLED:
            kind = "cancelled"
        elif change.action == Action.RESCHEDULED:
            kind = "brought-forward" if change.earlier else "postponed"
        else:
            kind = "late-announcement"
        notices.append(ChangeNotice(change.at, kind, view, change, None))
    for release_id, correction_id in correction_rows:
        release = releases[release_id]
        found = next(c for c in release.corrections if c.id == correction_id)
        correction = _correction_view(found)
        notices.append(
            ChangeNotice(found.at, "correction", release_view(release, now), None, correction)
        )
    notices.sort(key=lambda n: n.at, reverse=True)
    return notices[:limit]
