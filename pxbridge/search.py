"""What the tables make findable: each table with its variables and value labels, public from its
release's time when it is tied to one (the one visibility rule, :func:`portal.kernel.access.goes_out_at`);
a table tied to a moved release moves with it. In the sitemaps: the tables public at the instant."""

from __future__ import annotations

from collections.abc import Iterator, Set
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.access import goes_out_at
from portal.kernel.findable import (
    Changes,
    DataFile,
    Dataset,
    Findable,
    Link,
    Organisation,
    Removal,
    SearchDoc,
    Service,
    SitemapEntry,
    SitemapSection,
    Watch,
)
from portal.programme.models import Statistic
from pxbridge.models import DataTable
from pxbridge.service import visible
from pxbridge.store.whole import file_revision, offered


def table_docs(session: Session, ids: Set[str] | None = None) -> Iterator[SearchDoc]:
    """Tables with their variables and value labels; a table tied to a release from its time on."""
    stmt = select(DataTable).options(
        selectinload(DataTable.variables),
        selectinload(DataTable.statistic).selectinload(Statistic.producer),
        selectinload(DataTable.statistic).selectinload(Statistic.subject_areas),
        selectinload(DataTable.release),
    )
    if ids is not None:
        stmt = stmt.where(DataTable.id.in_(ids))
    rows = list(session.scalars(stmt))
    latest = {t.id: t for t in rows if t.row_id == t.id}
    for t in rows:
        release = t.release
        visible_from = None if release is None else goes_out_at(release.state, release.release_at)
        # A kept row (the revision the public sees while the latest waits) until the latest's time.
        successor = latest.get(t.id) if t.row_id != t.id else None
        until = (
            goes_out_at(successor.release.state, successor.release.release_at)
            if successor is not None and successor.release is not None
            else None
        )
        nb = " ".join(f"{v.label_nb} {' '.join(v.labels_nb[:500])}" for v in t.variables)
        en = " ".join(f"{v.label_en} {' '.join(v.labels_en[:500])}" for v in t.variables)
        yield SearchDoc(
            id=f"table:{t.row_id}",
            kind="table",
            title_nb=t.title_nb,
            title_en=t.title_en,
            text_nb=f"{nb} {t.statistic.name_nb}",
            text_en=f"{en} {t.statistic.name_en}",
            path_nb=f"/tabeller/{t.id}",
            path_en=f"/en/tables/{t.id}",
            producer=t.statistic.producer.slug,
            subjects=tuple(a.slug for a in t.statistic.subject_areas),
            visible_from=visible_from,
            visible_until=until,
            extra=(t.id,),
        )


def changed_docs(session: Session, changes: Changes) -> Iterator[SearchDoc]:
    ids = set(changes.get("table", ()))
    if "release" in changes:
        # A table tied to a moved release moves with it.
        ids |= set(
            session.scalars(
                select(DataTable.id).where(DataTable.release_id.in_(changes["release"]))
            )
        )
    if ids:
        yield from table_docs(session, ids)


def _datasets(session: Session, moment: datetime) -> Iterator[Dataset]:
    """The tables public at ``moment`` for the data catalogue, by id."""
    for table in session.scalars(
        visible(moment)
        .options(
            selectinload(DataTable.variables),
            selectinload(DataTable.statistic).selectinload(Statistic.producer),
            selectinload(DataTable.statistic).selectinload(Statistic.subject_areas),
        )
        .order_by(DataTable.id)
    ):
        statistic = table.statistic
        producer = statistic.producer
        yield Dataset(
            id=table.id,
            title_nb=table.title_nb,
            title_en=table.title_en,
            description_nb=statistic.description_nb,
            description_en=statistic.description_en,
            statistic=statistic.slug,
            publisher=Organisation(
                producer.slug, producer.name_nb, producer.name_en, producer.org_number
            ),
            subjects=tuple(a.slug for a in statistic.subject_areas),
            keywords_nb=tuple(
                dict.fromkeys([statistic.name_nb, *(v.label_nb for v in table.variables)])
            ),
            keywords_en=tuple(
                dict.fromkeys(
                    w for w in [statistic.name_en, *(v.label_en for v in table.variables)] if w
                )
            ),
            frequency=statistic.frequency,
            modified=table.updated,
            languages=tuple(table.languages.split(",")),
            first_period=table.first_period,
            last_period=table.last_period,
            contact_email=statistic.contact_email,
            contact_name=statistic.contact_name,
            page=Link("tables.table_page", {"table_id": table.id}),
            # Every value of every variable: the whole table, not the default selection (issue 21).
            data=Link(
                "pxwebapi.data",
                {"table_id": table.id, **{f"valuecodes[{v.code}]": "*" for v in table.variables}},
            ),
            files=whole_files(table),
        )


def whole_files(table: DataTable) -> tuple[DataFile, ...]:
    """The whole-table files of a table's current revision, one per format (none for a mirrored
    table, whose cells stay with its remote). The caller has applied the visibility rule."""
    revision = file_revision(table)
    if revision is None:
        return ()
    return tuple(
        DataFile(
            fmt, Link("table_files.whole_file", {"table_id": table.id, "name": f"{revision}.{fmt}"})
        )
        for fmt in offered(table)
    )


def public_tables_of(session: Session, statistic_slug: str, moment: datetime) -> list[DataTable]:
    """A statistic's tables public at ``moment`` (aware UTC), by id, their variables loaded."""
    return list(
        session.scalars(
            visible(moment)
            .join(Statistic, Statistic.id == DataTable.statistic_id)
            .where(Statistic.slug == statistic_slug)
            .options(selectinload(DataTable.variables))
            .order_by(DataTable.id)
        )
    )


def _table_pages(session: Session, moment: datetime) -> Iterator[SitemapEntry]:
    for table in session.scalars(visible(moment).order_by("id")):
        yield SitemapEntry(f"/tabeller/{table.id}", f"/en/tables/{table.id}", table.updated)


#: The two APIs that serve every public table, for the data catalogue.
SERVICES = (
    Service(
        path="/api/pxwebapi/v2/",
        title_nb="PxWebApi 2.0 for all offisiell statistikk",
        title_en="PxWebApi 2.0 for all official statistics",
        description_en="Every public table: metadata, selections and data in JSON-stat 2.0, "
        "CSV, XLSX, PX, HTML, JSON-PX and Parquet.",
        conforms_to="https://github.com/PxTools/PxApiSpecs",
        conforms_to_title="PxWebApi 2.0 specification (PxTools/PxApiSpecs)",
        description=Link("pxwebapi.config"),
        serves_tables=True,
    ),
    Service(
        path="/api/v0/",
        title_nb="Klassisk PxWeb-API",
        title_en="Classic PxWeb API",
        description_en="The same tables through the classic PxWeb API (v0/v1), for existing "
        "clients.",
        conforms_to="https://www.scb.se/en/services/open-data-api/api-for-the-statistical-database/",
        conforms_to_title="PxWeb API (Statistics Sweden's API for the statistical database)",
        serves_tables=True,
    ),
)


FINDABLE = Findable(
    name="tables",
    documents=changed_docs,
    everything=table_docs,
    watches=(Watch(DataTable, "table", lambda t: t.id),),
    removals=(Removal(DataTable, lambda t: f"table:{t.row_id}"),),
    sitemaps=(SitemapSection("tables", _table_pages),),
    datasets=_datasets,
    services=SERVICES,
)
