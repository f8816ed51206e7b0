"""What the search index holds: one :class:`SearchDoc` per statistic, release, release note, table, code
list, producer and subject area, built from the database. Never imports Flask.

Each document carries ``visible_from``: None when it is public as soon as it exists, else the instant it
becomes public (a release note or a table tied to a release: the release's time; never, for a release
that is not confirmed). The search filters on it at query time, so an item is findable at its release
minute without a reindex, and not a second before (the portal's visibility rule, portal/access.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.access import goes_out_at
from portal.programme.models import Producer, Statistic, SubjectArea


@dataclass(frozen=True)
class SearchDoc:
    id: str  # "<kind>:<key>", unique in the index
    kind: str  # statistic, release, note, table, codelist, producer, subject, about
    title_nb: str
    title_en: str
    text_nb: str
    text_en: str
    path_nb: str  # the page that answers it, in each language
    path_en: str
    producer: str = ""  # producer slug
    subjects: tuple[str, ...] = ()
    visible_from: datetime | None = None
    visible_until: datetime | None = None  # None: until it is deleted
    extra: tuple[str, ...] = field(default_factory=tuple)  # codes and ids searched as they are


def statistic_docs(session: Session, slugs: set[str] | None = None) -> Iterator[SearchDoc]:
    stmt = select(Statistic).options(
        selectinload(Statistic.producer), selectinload(Statistic.subject_areas)
    )
    if slugs is not None:
        stmt = stmt.where(Statistic.slug.in_(slugs))
    for s in session.scalars(stmt):
        yield SearchDoc(
            id=f"statistic:{s.slug}",
            kind="statistic",
            title_nb=s.name_nb,
            title_en=s.name_en,
            text_nb=f"{s.description_nb} {s.producer.name_nb}",
            text_en=f"{s.description_en} {s.producer.name_en}",
            path_nb=f"/statistikk/{s.slug}",
            path_en=f"/en/statistics/{s.slug}",
            producer=s.producer.slug,
            subjects=tuple(a.slug for a in s.subject_areas),
            extra=(s.slug, s.producer.short_name),
        )


def producer_docs(session: Session) -> Iterator[SearchDoc]:
    for p in session.scalars(select(Producer)):
        yield SearchDoc(
            id=f"producer:{p.slug}",
            kind="producer",
            title_nb=p.name_nb,
            title_en=p.name_en,
            text_nb=p.short_name,
            text_en=p.short_name,
            path_nb=f"/produsenter/{p.slug}",
            path_en=f"/en/producers/{p.slug}",
            producer=p.slug,
            extra=(p.short_name, p.org_number or ""),
        )


def subject_docs(session: Session) -> Iterator[SearchDoc]:
    for a in session.scalars(select(SubjectArea)):
        yield SearchDoc(
            id=f"subject:{a.slug}",
            kind="subject",
            title_nb=a.name_nb,
            title_en=a.name_en,
            text_nb="",
            text_en="",
            path_nb=f"/emner/{a.slug}",
            path_en=f"/en/subjects/{a.slug}",
            subjects=(a.slug,),
        )


def release_docs(session: Session, ids: set[int] | None = None) -> Iterator[SearchDoc]:
    """The announcement (public as announced) and, separately, the release note (public at release)."""
    from release_calendar.models import Release

    stmt = select(Release).options(
        selectinload(Release.statistic).selectinload(Statistic.producer),
        selectinload(Release.statistic).selectinload(Statistic.subject_areas),
    )
    if ids is not None:
        stmt = stmt.where(Release.id.in_(ids))
    for r in session.scalars(stmt):
        statistic = r.statistic
        common = {
            "path_nb": f"/kalender/{r.id}",
            "path_en": f"/en/calendar/{r.id}",
            "producer": statistic.producer.slug,
            "subjects": tuple(a.slug for a in statistic.subject_areas),
        }
        yield SearchDoc(
            id=f"release:{r.id}",
            kind="release",
            title_nb=r.title_nb,
            title_en=r.title_en,
            text_nb=f"{r.contents_nb} {statistic.name_nb}",
            text_en=f"{r.contents_en} {statistic.name_en}",
            **common,  # type: ignore[arg-type]
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
                **common,  # type: ignore[arg-type]
            )


def table_docs(session: Session, ids: set[str] | None = None) -> Iterator[SearchDoc]:
    """Tables with their variables and value labels; a table tied to a release from its time on."""
    from pxbridge.models import DataTable

    stmt = select(DataTable).options(
        selectinload(DataTable.variables),
        selectinload(DataTable.statistic).selectinload(Statistic.producer),
        selectinload(DataTable.statistic).selectinload(Statistic.subject_areas),
        selectinload(DataTable.release),
    )
    if ids is not None:
        stmt = stmt.where(DataTable.id.in_(ids))
    for t in session.scalars(stmt):
        release = t.release
        visible = None if release is None else goes_out_at(release.state, release.release_at)
        nb = " ".join(f"{v.label_nb} {' '.join(v.labels_nb[:500])}" for v in t.variables)
        en = " ".join(f"{v.label_en} {' '.join(v.labels_en[:500])}" for v in t.variables)
        yield SearchDoc(
            id=f"table:{t.id}",
            kind="table",
            title_nb=t.title_nb,
            title_en=t.title_en,
            text_nb=f"{nb} {t.statistic.name_nb}",
            text_en=f"{en} {t.statistic.name_en}",
            path_nb=f"/tabeller/{t.id}",
            path_en=f"/en/tables/{t.id}",
            producer=t.statistic.producer.slug,
            subjects=tuple(a.slug for a in t.statistic.subject_areas),
            visible_from=visible,
            extra=(t.id,),
        )


def codelist_docs(session: Session, ids: set[int] | None = None) -> Iterator[SearchDoc]:
    """Public code lists with the codes and names of their newest version."""
    from metadata.codelists.models import Classification, ClassificationVersion

    stmt = select(Classification).options(
        selectinload(Classification.producer),
        selectinload(Classification.versions).selectinload(ClassificationVersion.items),
    )
    if ids is not None:
        stmt = stmt.where(Classification.id.in_(ids))
    for c in session.scalars(stmt):
        published = [v for v in c.versions if v.published]
        if not published or c.copyrighted:
            continue
        newest = max(published, key=lambda v: v.valid_from)
        yield SearchDoc(
            id=f"codelist:{c.id}",
            kind="codelist",
            title_nb=c.name_nb,
            title_en=c.name_en,
            text_nb=f"{c.description_nb} " + " ".join(i.name_nb for i in newest.items),
            text_en=f"{c.description_en} " + " ".join(i.name_en or i.name_nb for i in newest.items),
            path_nb=f"/klassifikasjoner/{c.id}",
            path_en=f"/en/classifications/{c.id}",
            producer=c.producer.slug,
            extra=(str(c.id), *(i.code for i in newest.items)),
        )


def about_docs(session: Session, statistic_ids: set[int] | None = None) -> Iterator[SearchDoc]:
    """ "Om statistikken": one document a published version, public while that version is the one in
    force — from the instant it goes out (its release's time when published with one, moving with
    it) until a newer version goes out. So the text that is findable is the text the page shows, at
    every instant, without a reindex."""
    from metadata.sims.models import DocumentationVersion
    from metadata.sims.service import goes_out_at

    stmt = select(DocumentationVersion, goes_out_at()).order_by(
        DocumentationVersion.statistic_id, DocumentationVersion.number.desc()
    )
    statistics = select(Statistic).options(
        selectinload(Statistic.producer), selectinload(Statistic.subject_areas)
    )
    if statistic_ids is not None:
        stmt = stmt.where(DocumentationVersion.statistic_id.in_(statistic_ids))
        statistics = statistics.where(Statistic.id.in_(statistic_ids))
    by_id = {s.id: s for s in session.scalars(statistics)}
    replaced_at: dict[int, datetime] = {}  # statistic -> when the next newer version goes out
    for version, out_at in session.execute(stmt):
        until = replaced_at.get(version.statistic_id)
        replaced_at[version.statistic_id] = min(out_at, until) if until else out_at
        if until is not None and until <= out_at:
            until = out_at  # a newer version went out first: this one is never in force
        s = by_id[version.statistic_id]
        entries = version.content.values()
        yield SearchDoc(
            id=f"about:{s.slug}:{version.number}",
            kind="about",
            title_nb=f"Om statistikken: {s.name_nb}",
            title_en=f"About the statistics: {s.name_en}" if s.name_en else "",
            text_nb=_plain(" ".join(e.get("nb") or e.get("nn") or "" for e in entries)),
            text_en=_plain(" ".join(e.get("en") or "" for e in entries)),
            path_nb=f"/statistikk/{s.slug}/om-statistikken",
            path_en=f"/en/statistics/{s.slug}/about",
            producer=s.producer.slug,
            subjects=tuple(a.slug for a in s.subject_areas),
            visible_from=out_at,
            visible_until=until,
        )


_MARKUP = re.compile(r"\]\([^)]*\)|[#*_`>|\[\]]+")


def _plain(markdown: str) -> str:
    """Markdown's markup out of a text to index (links keep their words, lose their address)."""
    return _MARKUP.sub(" ", markdown)


def all_docs(session: Session) -> Iterator[SearchDoc]:
    """Every document the index should hold, for a full rebuild."""
    yield from producer_docs(session)
    yield from subject_docs(session)
    yield from statistic_docs(session)
    yield from release_docs(session)
    yield from table_docs(session)
    yield from codelist_docs(session)
    yield from about_docs(session)
