"""What the release calendar makes findable: each release's announcement (public as announced) and,
separately, its release note (public when the release goes out, by the one visibility rule,
:func:`portal.kernel.access.goes_out_at`); a release page in the sitemaps from its announcement on."""

from __future__ import annotations

from collections.abc import Iterator, Set
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.access import goes_out_at
from portal.kernel.findable import (
    Changes,
    Findable,
    SearchDoc,
    SitemapEntry,
    SitemapSection,
    Watch,
)
from portal.programme.models import Statistic
from release_calendar.models import Release


def release_docs(session: Session, ids: Set[int] | None = None) -> Iterator[SearchDoc]:
    """The announcement (public as announced) and, separately, the release note (public at release)."""
    stmt = select(Release).options(
        selectinload(Release.statistic).selectinload(Statistic.producer),
        selectinload(Release.statistic).selectinload(Statistic.subject_areas),
    )
    if ids is not None:
        stmt = stmt.where(Release.id.in_(ids))
    for r in session.scalars(stmt):
        statistic = r.statistic
        common: dict[str, Any] = {
            "path_nb": f"/kalender/{r.id}",
            "path_en": f"/en/calendar/{r.id}",
            "producer": statistic.producer.slug,
            "subjects": tuple(a.slug for a in statistic.subject_areas),
            "parent": f"statistic:{statistic.slug}",
            "dated": r.release_at,
        }
        yield SearchDoc(
            id=f"release:{r.id}",
            kind="release",
            title_nb=r.title_nb,
            title_en=r.title_en,
            text_nb=f"{r.contents_nb} {statistic.name_nb}",
            text_en=f"{r.contents_en} {statistic.name_en}",
            **common,
        )
        if r.release_note_nb or r.release_note_en:
            yield SearchDoc(
                id=f"note:{r.id}",
                kind="note",
                title_nb=r.title_nb,
                title_en=r.title_en,
                text_nb=r.release_note_nb,
                text_en=r.release_note_en,
                visible_from=goes_out_at(r.state, r.release_at),
                **common,
            )


def changed_docs(session: Session, changes: Changes) -> Iterator[SearchDoc]:
    if "release" in changes:
        yield from release_docs(session, changes["release"])


def _release_pages(session: Session, moment: datetime) -> Iterator[SitemapEntry]:
    for number, updated in session.execute(
        select(Release.id, Release.updated_at).order_by(Release.id)
    ):
        yield SitemapEntry(f"/kalender/{number}", f"/en/calendar/{number}", updated)


FINDABLE = Findable(
    name="release_calendar",
    documents=changed_docs,
    everything=release_docs,
    watches=(Watch(Release, "release", lambda r: r.id, parse=int),),
    sitemaps=(SitemapSection("releases", _release_pages),),
)
