"""What the calendar tells subscribers (issue 22): a release announced, confirmed, moved, cancelled or
corrected, public as the write is; and a release published, told by the clock at its minute, never before
(the one visibility rule, :func:`portal.kernel.access.released_filter`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.access import released_filter
from portal.kernel.i18n import register_messages, translate
from portal.kernel.notifiable import CALENDAR, Alert, Notifiable, Write, topic
from portal.programme.models import Statistic
from release_calendar.models import Release
from release_calendar.rules import Precision, when_label

register_messages(
    {
        "alert.release.announce": ("Ny publisering er varslet: {when}.", "A new release is announced: {when}."),
        "alert.release.confirm": ("Datoen er bekreftet: {when}.", "The date is confirmed: {when}."),
        "alert.release.reschedule": ("Publiseringen er flyttet til {when}.", "The release is moved to {when}."),
        "alert.release.cancel": ("Publiseringen er avlyst.", "The release is cancelled."),
        "alert.release.correct": ("Rettet: {what}", "Corrected: {what}"),
        "alert.release.published": ("Publisert {when}.", "Published {when}."),
    }
)  # fmt: skip

#: The audited actions of a release that are told, and the alert's kind.
KINDS = {
    "announce": "release.announced",
    "confirm": "release.confirmed",
    "reschedule": "release.moved",
    "cancel": "release.cancelled",
    "correct": "release.corrected",
}


def _topics(statistic: Statistic) -> tuple[str, ...]:
    return (
        topic("statistic", statistic.slug),
        topic("producer", statistic.producer.slug),
        *(topic("subject", a.slug) for a in statistic.subject_areas),
        CALENDAR,
    )


def _alert(release: Release, kind: str, key: str, at: datetime, **values: object) -> Alert:
    def text(lang: str) -> str:
        when = when_label(Precision(release.precision), release.release_at, lang)
        return translate(key, lang, when=when, **values)

    return Alert(
        kind=kind,
        ref=f"release:{release.id}",
        topics=_topics(release.statistic),
        public_at=at,
        title_nb=release.title_nb,
        title_en=release.title_en or release.title_nb,
        text_nb=text("nb"),
        text_en=text("en"),
        path_nb=f"/kalender/{release.id}",
        path_en=f"/en/calendar/{release.id}",
        data={"release_at": release.release_at.isoformat()},
    )


def from_write(session: Session, write: Write) -> Iterator[Alert]:
    kind = KINDS.get(write.action)
    if kind is None:
        return
    release = session.get(Release, int(write.entity_id))
    if release is None:
        return
    alert = _alert(release, kind, f"alert.release.{write.action}", write.at, what="")
    if write.action == "correct":
        after = write.after or {}
        nb = str(after.get("what_changed_nb") or "")
        en = str(after.get("what_changed_en") or nb)
        alert = replace(
            alert,
            text_nb=translate("alert.release.correct", "nb", what=nb),
            text_en=translate("alert.release.correct", "en", what=en),
        )
    yield alert


def due(session: Session, since: datetime, until: datetime) -> Iterator[Alert]:
    """Releases that went out in ``(since, until]``, each at its minute."""
    for release in session.scalars(
        select(Release)
        .where(
            released_filter(Release.state, Release.release_at, until), Release.release_at > since
        )
        .options(
            selectinload(Release.statistic).selectinload(Statistic.producer),
            selectinload(Release.statistic).selectinload(Statistic.subject_areas),
        )
        .order_by(Release.release_at, Release.id)
    ):
        yield _alert(release, "release.published", "alert.release.published", release.release_at)


NOTIFIABLE = Notifiable(name="calendar", entities=("release",), from_write=from_write, due=due)
