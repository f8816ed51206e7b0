"""What the statistics programme makes findable: statistics, producers and subject areas, each public
as soon as it exists (the search index and the sitemaps; ``portal/kernel/findable.py``)."""

from __future__ import annotations

from collections.abc import Iterator, Set
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.findable import (
    Changes,
    Findable,
    Organisation,
    SearchDoc,
    SitemapEntry,
    SitemapSection,
    Watch,
)
from portal.programme.models import Producer, Statistic, SubjectArea


def statistic_docs(session: Session, slugs: Set[str] | None = None) -> Iterator[SearchDoc]:
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


def changed_docs(session: Session, changes: Changes) -> Iterator[SearchDoc]:
    if "statistic" in changes:
        yield from statistic_docs(session, changes["statistic"])
    if "producer" in changes:
        yield from (d for d in producer_docs(session) if d.producer in changes["producer"])


def all_docs(session: Session) -> Iterator[SearchDoc]:
    yield from producer_docs(session)
    yield from subject_docs(session)
    yield from statistic_docs(session)


def _statistic_pages(session: Session, moment: datetime) -> Iterator[SitemapEntry]:
    for slug, updated in session.execute(
        select(Statistic.slug, Statistic.updated_at).order_by(Statistic.slug)
    ):
        yield SitemapEntry(f"/statistikk/{slug}", f"/en/statistics/{slug}", updated)


def _producer_pages(session: Session, moment: datetime) -> Iterator[SitemapEntry]:
    for slug in session.scalars(select(Producer.slug).order_by(Producer.slug)):
        yield SitemapEntry(f"/produsenter/{slug}", f"/en/producers/{slug}")


def _subject_pages(session: Session, moment: datetime) -> Iterator[SitemapEntry]:
    for slug in session.scalars(select(SubjectArea.slug).order_by(SubjectArea.slug)):
        yield SitemapEntry(f"/emner/{slug}", f"/en/subjects/{slug}")


def _organisation(session: Session, slug: str) -> Organisation | None:
    found = session.scalar(select(Producer).where(Producer.slug == slug))
    if found is None:
        return None
    return Organisation(found.slug, found.name_nb, found.name_en, found.org_number)


FINDABLE = Findable(
    name="programme",
    documents=changed_docs,
    everything=all_docs,
    watches=(
        Watch(Statistic, "statistic", lambda s: s.slug),
        Watch(Producer, "producer", lambda p: p.slug),
    ),
    sitemaps=(
        SitemapSection("statistics", _statistic_pages),
        SitemapSection("producers", _producer_pages),
        SitemapSection("subjects", _subject_pages),
    ),
    organisation=_organisation,
)
