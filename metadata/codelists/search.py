"""What the code-list registry makes findable: each public code list (a published version, not
copyrighted) with the codes and names of its newest version, in the index and the sitemaps."""

from __future__ import annotations

from collections.abc import Iterator, Set
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from metadata.codelists.models import Classification, ClassificationItem, ClassificationVersion
from portal.kernel.findable import (
    Changes,
    Findable,
    SearchDoc,
    Service,
    SitemapEntry,
    SitemapSection,
    Watch,
)


def codelist_docs(session: Session, ids: Set[int] | None = None) -> Iterator[SearchDoc]:
    """Public code lists with the codes and names of their newest version."""
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


def changed_docs(session: Session, changes: Changes) -> Iterator[SearchDoc]:
    lists = set(changes.get("codelist", ()))
    if "codelist_version" in changes:
        lists |= set(
            session.scalars(
                select(ClassificationVersion.classification_id).where(
                    ClassificationVersion.id.in_(changes["codelist_version"])
                )
            )
        )
    if lists:
        yield from codelist_docs(session, lists)


def _codelist_pages(session: Session, moment: datetime) -> Iterator[SitemapEntry]:
    for found in session.scalars(select(Classification).order_by(Classification.id)):
        if any(v.published for v in found.versions) and not found.copyrighted:
            yield SitemapEntry(
                f"/klassifikasjoner/{found.id}",
                f"/en/classifications/{found.id}",
                found.last_modified,
            )


#: The Klass-compatible API, for the data catalogue.
KLASS_API = Service(
    path="/api/klass/v1/",
    title_nb="Klass-API for klassifikasjoner og kodelister",
    title_en="Klass API for classifications and code lists",
    description_en="Every producer's classifications and code lists, their versions, "
    "variants and correspondence tables, as Statistics Norway's Klass API serves them.",
    conforms_to="https://data.ssb.no/api/klass/v1/api-guide.html",
    conforms_to_title="Klass API guide (Statistics Norway)",
)


FINDABLE = Findable(
    name="codelists",
    documents=changed_docs,
    everything=codelist_docs,
    watches=(
        Watch(Classification, "codelist", lambda c: c.id, parse=int),
        Watch(ClassificationVersion, "codelist", lambda v: v.classification_id, parse=int),
        Watch(ClassificationItem, "codelist_version", lambda i: i.version_id, parse=int),
    ),
    sitemaps=(SitemapSection("codelists", _codelist_pages),),
    services=(KLASS_API,),
)
