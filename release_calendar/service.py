"""Writing the calendar: announce, confirm, reschedule, cancel, correct, disclose. Never imports Flask.

Every write takes the acting :class:`~portal.kernel.access.Actor`, checks the producer-scoping rule, appends to
the release's public history and to the audit log, and leaves committing to the caller. Nothing here can
publish a release: it goes out by itself at its confirmed time (see :func:`portal.kernel.access.is_released`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.kernel.access import Actor, Permission, ensure_permission, is_released
from portal.kernel.audit import record_write
from portal.kernel.concurrency import lost_race_is_conflict
from portal.kernel.errors import BadRequest, Conflict, FieldError, NotFound
from portal.programme.models import Statistic
from release_calendar.models import (
    CalendarRevision,
    Correction,
    PreReleaseAccess,
    Release,
    ReleaseChange,
)
from release_calendar.rules import (
    Action,
    Kind,
    Precision,
    Reason,
    State,
    is_late_announcement,
    normalise_provisional,
)


@dataclass(frozen=True)
class Announcement:
    """A new release as a producer announces it."""

    statistic: str
    title_nb: str
    title_en: str
    kind: Kind
    period_start: date
    period_end: date
    period_label_nb: str
    period_label_en: str
    release_at: datetime
    precision: Precision
    confirmed: bool
    contents_nb: str = ""
    contents_en: str = ""
    release_note_nb: str = ""
    release_note_en: str = ""
    late_justification: str | None = None
    late_justification_en: str | None = None


@dataclass(frozen=True)
class DateChange:
    release_at: datetime
    precision: Precision
    reason: Reason
    reason_text: str
    reason_text_en: str | None = None


def bump_revision(session: Session, now: datetime) -> None:
    """Record that the calendar changed (every write calls this in its own transaction)."""
    session.execute(
        update(CalendarRevision)
        .where(CalendarRevision.id == 1)
        .values(revision=CalendarRevision.revision + 1, changed_at=now)
    )


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise BadRequest("", (FieldError.said("/period_end", "ann.period_order"),)).said(
            "rel.period_order"
        )


def _late(release_at: datetime, now: datetime, justification: str | None) -> bool:
    late = is_late_announcement(now, release_at)
    if late and not (justification or "").strip():
        # The 3-month rule (K11): told in words, never by its code.
        raise BadRequest("", (FieldError.said("/late_justification", "ann.late"),)).said("ann.late")
    return late


def _future(release_at: datetime, now: datetime, pointer: str = "/release_at") -> None:
    if release_at <= now:
        raise BadRequest("", (FieldError.said(pointer, "ann.past"),)).said("rel.past")


def _snapshot(release: Release) -> dict[str, object]:
    return {
        "release_at": release.release_at.isoformat(),
        "precision": release.precision,
        "state": release.state,
        "title_nb": release.title_nb,
        "title_en": release.title_en,
    }


def announce(session: Session, actor: Actor | None, data: Announcement, now: datetime) -> Release:
    """Put a new release in the calendar. Raises 401/403 (scoping), NotFound, BadRequest."""
    statistic = session.scalar(select(Statistic).where(Statistic.slug == data.statistic))
    if statistic is None:
        raise unknown_statistic(data.statistic)
    actor = ensure_permission(actor, Permission.RELEASE_WRITE, statistic.producer_id)
    release = new_release(statistic, data, now)
    session.add(release)
    session.flush()
    _record(session, actor, release, "announce", now, before=None, after=_snapshot(release))
    return release


def unknown_statistic(slug: str) -> BadRequest:
    """The error for a statistic slug that names none."""
    return BadRequest("", (FieldError.said("/statistic", "ann.unknown_statistic"),)).said(
        "rel.unknown_statistic", slug=slug
    )


def announce_all(session: Session, actor: Actor, releases: list[Release], now: datetime) -> None:
    """Put releases made by :func:`new_release` in the calendar at once (a schedule): one flush,
    one move of the calendar's revision, an audit row each; the caller commits. ``actor`` must
    have been checked (``ensure_permission``) for every statistic's producer."""
    session.add_all(releases)
    session.flush()
    bump_revision(session, now)
    for release in releases:
        record_write(
            session,
            actor=actor,
            at=now,
            action="announce",
            entity="release",
            entity_id=str(release.id),
            producer_id=release.statistic.producer_id,
            before=None,
            after=_snapshot(release),
        )


def new_release(statistic: Statistic, data: Announcement, now: datetime) -> Release:
    """The release ``data`` announces for ``statistic``, with its "announced" change, in no session
    yet. Checks what one announcement must meet (period, precision, a future time, the 3-month rule's
    justification); raises BadRequest."""
    _check_period(data.period_start, data.period_end)
    release_at = data.release_at
    if data.precision is not Precision.EXACT:
        if data.confirmed:
            raise BadRequest("", (FieldError.said("/confirmed", "ann.confirm_exact"),)).said(
                "rel.confirm_exact"
            )
        release_at = normalise_provisional(data.precision, release_at)
    else:
        _future(release_at, now)
    late = data.confirmed and _late(release_at, now, data.late_justification)
    return Release(
        statistic=statistic,
        title_nb=data.title_nb,
        title_en=data.title_en,
        kind=data.kind,
        period_start=data.period_start,
        period_end=data.period_end,
        period_label_nb=data.period_label_nb,
        period_label_en=data.period_label_en,
        release_at=release_at,
        precision=data.precision,
        state=State.CONFIRMED if data.confirmed else State.PROVISIONAL,
        first_confirmed_at=now if data.confirmed else None,
        first_confirmed_release_at=release_at if data.confirmed else None,
        late_justification=data.late_justification if late else None,
        late_justification_en=_optional(data.late_justification_en) if late else None,
        contents_nb=data.contents_nb,
        contents_en=data.contents_en,
        release_note_nb=data.release_note_nb,
        release_note_en=data.release_note_en,
        created_at=now,
        updated_at=now,
        changes=[
            ReleaseChange(
                at=now,
                action=Action.ANNOUNCED,
                new_release_at=release_at,
                new_precision=data.precision,
                late=late,
            )
        ],
    )


def _load_for_write(
    session: Session, actor: Actor | None, release_id: int, expected_version: int | None
) -> tuple[Release, Actor]:
    release = session.get(Release, release_id)
    if release is None:
        raise NotFound("").said("rel.no_release", id=release_id)
    actor = ensure_permission(actor, Permission.RELEASE_WRITE, release.statistic.producer_id)
    if expected_version is not None and expected_version != release.version:
        raise Conflict("").said(
            "rel.stale", id=release_id, version=release.version, yours=expected_version
        )
    return release, actor


def authorize(session: Session, actor: Actor | None, release_id: int) -> Release:
    """The release if ``actor`` may change it. Raises NotFound, Unauthorized, Forbidden."""
    release, _ = _load_for_write(session, actor, release_id, None)
    return release


def _not_out(release: Release, now: datetime) -> None:
    if is_released(release.state, release.release_at, now):
        raise Conflict("").said("rel.published")
    if release.state == State.CANCELLED:
        raise Conflict("").said("rel.cancelled")


def _record(
    session: Session,
    actor: Actor,
    release: Release,
    action: str,
    now: datetime,
    *,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    """Finish a write: refuse it if someone wrote the release meanwhile, move the calendar's revision
    (feeds rebuild from it) and append to the audit log, all in the caller's transaction."""
    _flush(session, release.id)
    bump_revision(session, now)
    record_write(
        session,
        actor=actor,
        at=now,
        action=action,
        entity="release",
        entity_id=str(release.id),
        producer_id=release.statistic.producer_id,
        before=before,
        after=after,
    )


def _flush(session: Session, release_id: int) -> None:
    # The UPDATE is conditional on the version read (version_id_col): of two writers of one version,
    # one wins and the other gets 409 with nothing written, its audit row included (issue 16).
    try:
        with lost_race_is_conflict(session, ""):
            session.flush()
    except Conflict as lost:
        raise lost.said("rel.lost_race", id=release_id) from lost.__cause__


def confirm(
    session: Session,
    actor: Actor | None,
    release_id: int,
    release_at: datetime,
    *,
    late_justification: str | None,
    late_justification_en: str | None = None,
    expected_version: int | None,
    now: datetime,
) -> Release:
    """Fix the exact date and time of a provisional release. Raises 401/403/404, BadRequest, Conflict."""
    release, actor = _load_for_write(session, actor, release_id, expected_version)
    _not_out(release, now)
    if release.state != State.PROVISIONAL:
        raise Conflict("").said("rel.already_confirmed")
    _future(release_at, now)
    late = _late(release_at, now, late_justification)
    before = _snapshot(release)
    old_at, old_precision = release.release_at, release.precision
    release.release_at, release.precision = release_at, Precision.EXACT
    release.state = State.CONFIRMED
    release.first_confirmed_at = now
    release.first_confirmed_release_at = release_at
    release.late_justification = late_justification if late else None
    release.late_justification_en = _optional(late_justification_en) if late else None
    release.updated_at = now
    release.changes.append(
        ReleaseChange(
            at=now,
            action=Action.CONFIRMED,
            old_release_at=old_at,
            new_release_at=release_at,
            old_precision=old_precision,
            new_precision=Precision.EXACT,
            late=late,
        )
    )
    _record(session, actor, release, "confirm", now, before=before, after=_snapshot(release))
    return release


def _optional(text: str | None) -> str | None:
    """An optional second-language text, stripped; None when empty."""
    return (text or "").strip() or None


def _reason(reason_text: str) -> str:
    text = reason_text.strip()
    if not text:
        raise BadRequest("", (FieldError.said("/reason_text", "rel.reason_text"),)).said(
            "rel.reason_needed"
        )
    return text


def reschedule(
    session: Session,
    actor: Actor | None,
    release_id: int,
    change: DateChange,
    *,
    expected_version: int | None,
    now: datetime,
) -> Release:
    """Move a release. Moving a confirmed release keeps it confirmed and is marked as postponed or
    brought forward. Raises 401/403/404, BadRequest (no reason, time in the past), Conflict."""
    release, actor = _load_for_write(session, actor, release_id, expected_version)
    _not_out(release, now)
    text = _reason(change.reason_text)
    new_at = change.release_at
    if release.state == State.CONFIRMED and change.precision is not Precision.EXACT:
        raise BadRequest("", (FieldError.said("/precision", "rel.precision_exact"),)).said(
            "rel.move_exact"
        )
    if change.precision is Precision.EXACT:
        _future(new_at, now)
    else:
        new_at = normalise_provisional(change.precision, new_at)
    if new_at == release.release_at and change.precision is release.precision:
        raise BadRequest("", (FieldError.said("/release_at", "rel.unchanged"),)).said(
            "rel.unchanged"
        )
    before = _snapshot(release)
    release.changes.append(
        ReleaseChange.date_change(
            release,
            now,
            change.reason,
            text,
            (new_at, change.precision),
            text_en=_optional(change.reason_text_en),
        )
    )
    release.release_at, release.precision = new_at, change.precision
    release.updated_at = now
    _record(
        session,
        actor,
        release,
        "reschedule",
        now,
        before=before,
        after={**_snapshot(release), "reason": change.reason},
    )
    return release


def cancel(
    session: Session,
    actor: Actor | None,
    release_id: int,
    reason: Reason,
    reason_text: str,
    *,
    reason_text_en: str | None = None,
    expected_version: int | None,
    now: datetime,
) -> Release:
    """Cancel a release that is not out yet; it stays in the calendar with its reason."""
    release, actor = _load_for_write(session, actor, release_id, expected_version)
    _not_out(release, now)
    text = _reason(reason_text)
    before = _snapshot(release)
    release.changes.append(
        ReleaseChange.date_change(
            release, now, reason, text, None, text_en=_optional(reason_text_en)
        )
    )
    release.state = State.CANCELLED
    release.cancelled_at = now
    release.updated_at = now
    _record(session, actor, release, "cancel", now, before=before, after=_snapshot(release))
    return release


@dataclass(frozen=True)
class CorrectionNotice:
    what_was_wrong_nb: str
    what_was_wrong_en: str
    what_changed_nb: str
    what_changed_en: str


def add_correction(
    session: Session, actor: Actor | None, release_id: int, notice: CorrectionNotice, now: datetime
) -> Correction:
    """Add a correction notice to a published release (K12). Raises 401/403/404, Conflict."""
    release, actor = _load_for_write(session, actor, release_id, None)
    if not is_released(release.state, release.release_at, now):
        raise Conflict("").said("rel.not_published")
    correction = Correction(at=now, **notice.__dict__)
    release.corrections.append(correction)
    release.updated_at = now
    _record(session, actor, release, "correct", now, before=None, after=dict(notice.__dict__))
    return correction


def disclose_access(
    session: Session,
    actor: Actor | None,
    release_id: int,
    *,
    recipient: str,
    purpose: str,
    purpose_en: str | None = None,
    hours_before: int,
    now: datetime,
) -> PreReleaseAccess:
    """Record who had access before release and why (K15); shown with the release once it is out."""
    release, actor = _load_for_write(session, actor, release_id, None)
    if release.state == State.CANCELLED:
        raise Conflict("").said("rel.cancelled")
    missing = tuple(
        FieldError.said(pointer, key)
        for pointer, key, text in (
            ("/recipient", "rel.recipient", recipient),
            ("/purpose", "rel.purpose", purpose),
        )
        if not text.strip()
    )
    if missing:
        raise BadRequest("", missing).said("rel.access_needs")
    if not 0 < hours_before <= 24 * 14:
        raise BadRequest("", (FieldError.said("/hours_before", "rel.hours_before"),)).said(
            "rel.hours_before"
        )
    access = PreReleaseAccess(
        recipient=recipient.strip(),
        purpose=purpose.strip(),
        purpose_en=_optional(purpose_en),
        hours_before=hours_before,
        created_at=now,
    )
    release.pre_release_access.append(access)
    release.updated_at = now
    _record(
        session,
        actor,
        release,
        "disclose",
        now,
        before=None,
        after={"recipient": recipient, "hours_before": hours_before},
    )
    return access


def update_texts(
    session: Session,
    actor: Actor | None,
    release_id: int,
    *,
    texts: dict[str, str],
    expected_version: int | None,
    now: datetime,
) -> Release:
    """Change a release's titles, period labels, contents or release note before it goes out."""
    allowed = {
        "title_nb",
        "title_en",
        "period_label_nb",
        "period_label_en",
        "contents_nb",
        "contents_en",
        "release_note_nb",
        "release_note_en",
    }
    unknown = set(texts) - allowed
    if unknown:
        raise BadRequest("").said("rel.unknown_texts", names=", ".join(sorted(unknown)))
    release, actor = _load_for_write(session, actor, release_id, expected_version)
    _not_out(release, now)
    before = {k: getattr(release, k) for k in texts}
    for key, value in texts.items():
        setattr(release, key, value)
    release.updated_at = now
    _record(session, actor, release, "update", now, before=before, after=dict(texts))
    return release
