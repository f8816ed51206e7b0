"""Reading tables: which are public at an instant, finding one by id, listing and searching. Never
imports Flask.

A table tied to a release is public from that release's instant on, by the portal's one rule
(:func:`portal.kernel.access.released_filter`); every channel (PxWebApi, the classic API, pages, search,
sitemap) reads tables through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from portal.kernel.access import released_filter
from portal.kernel.db import UTCDateTime
from portal.kernel.errors import NotFound
from portal.kernel.querying import contains
from pxbridge.codelists import CodeList, find
from pxbridge.models import DataTable, TableCodeListLink
from release_calendar.models import Release


class TableNotFound(NotFound):
    """PxWebApi's "Non-existent table" (also for a table still under embargo: it does not exist yet)."""

    def __init__(self, table_id: str) -> None:
        super().__init__(f"Non-existent table {table_id}")
        self.title = "Non-existent table"


def _out(release_id: Any, state: Any, release_at: Any, now: datetime) -> ColumnElement[bool]:
    return or_(release_id.is_(None), released_filter(state, release_at, now))


def visible(now: datetime) -> Select[DataTable]:
    """Tables public at ``now`` (aware): those without a release, or whose release has gone out; one
    row per table id. While a table's latest upload waits for its release, the revision the public
    had stays public in a row of its own (a kept row, :func:`pxbridge.models.kept_key`) until that
    release's instant: then the latest row is public and the kept one is not (issue 19)."""
    latest = aliased(DataTable, name="latest")
    latest_release = aliased(Release, name="latest_release")
    replaced = (
        select(latest.row_id)
        .outerjoin(latest_release, latest_release.id == latest.release_id)
        .where(
            latest.row_id == DataTable.id,
            _out(latest.release_id, latest_release.state, latest_release.release_at, now),
        )
        .exists()
    )
    return (
        select(DataTable)
        .outerjoin(Release, Release.id == DataTable.release_id)
        .where(
            _out(DataTable.release_id, Release.state, Release.release_at, now),
            or_(DataTable.row_id == DataTable.id, ~replaced),
        )
    )


def get_table(session: Session, table_id: str, now: datetime) -> DataTable:
    """The public table ``table_id`` (case-insensitive), variables loaded. Raises TableNotFound."""
    found = session.scalar(
        visible(now)
        .where(func.lower(DataTable.id) == table_id.lower())
        .options(selectinload(DataTable.variables), selectinload(DataTable.statistic))
    )
    if found is None:
        raise TableNotFound(table_id)
    return found


def public_since() -> ColumnElement[datetime]:
    """When a row of :func:`visible` last changed as the public sees it: its upload, or its release's
    instant when the upload waited for it (so ``updatedAfter`` never shows an embargoed upload early:
    the row is not visible until then). Use only on :func:`visible`'s statement, which joins Release."""
    return case(
        (
            and_(DataTable.release_id.is_not(None), Release.release_at > DataTable.updated_at),
            Release.release_at,
        ),
        else_=DataTable.updated_at,
    )


def _with_words(stmt: Select[DataTable], text: str | None) -> Select[DataTable]:
    """``stmt`` kept to tables whose id or either title holds every word of ``text`` (case-insensitive;
    a word's ``*`` are ignored, as PxWebApi's ``query`` writes them)."""
    for word in (text or "").split():
        part = word.strip("*")
        stmt = stmt.where(
            or_(
                contains(DataTable.id, part),
                contains(DataTable.title_nb, part),
                contains(DataTable.title_en, part),
            )
        )
    return stmt


def list_tables(
    session: Session,
    now: datetime,
    *,
    text: str | None = None,
    past_days: int | None = None,
    updated_after: datetime | None = None,
    statistic_id: int | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[DataTable], int]:
    """One page of public tables by id, and how many match. ``text`` matches the id or either title
    (case-insensitive, every word); ``past_days`` keeps tables updated within that many days;
    ``updated_after`` (aware) those whose last public change (:func:`public_since`) is later."""
    stmt = visible(now)
    if updated_after is not None:
        stmt = stmt.where(public_since() > literal(updated_after, UTCDateTime()))
    if statistic_id is not None:
        stmt = stmt.where(DataTable.statistic_id == statistic_id)
    stmt = _with_words(stmt, text)
    if past_days is not None:
        stmt = stmt.where(DataTable.updated >= now - timedelta(days=past_days))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(DataTable.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
        .options(selectinload(DataTable.variables), selectinload(DataTable.statistic))
    )
    return list(rows), total


#: How the table finder may sort: by id, by title in the page's language, or newest update first.
ORDERS = ("id", "title", "updated")


@dataclass(frozen=True)
class TableQuery:
    """What the table finder (``/tabeller``) asks for: words in the id or titles, the producer, subject
    area or statistic (slugs), tables updated within ``past_days``, an order, a page."""

    text: str | None = None
    producer: str | None = None
    subject_area: str | None = None
    statistic: str | None = None
    past_days: int | None = None
    order: str = "id"
    lang: str = "nb"
    page: int = 1
    per_page: int = 50


def find_tables(session: Session, query: TableQuery, now: datetime) -> tuple[list[DataTable], int]:
    """One page of the tables public at ``now`` that ``query`` asks for, with their statistics and
    producers loaded, and how many there are in all."""
    from portal.programme.models import Producer, Statistic, SubjectArea, statistic_subject_area

    stmt = _with_words(
        visible(now).join(Statistic, Statistic.id == DataTable.statistic_id), query.text
    )
    if query.producer:
        stmt = stmt.join(Producer, Producer.id == Statistic.producer_id).where(
            Producer.slug == query.producer
        )
    if query.subject_area:
        stmt = stmt.where(
            Statistic.id.in_(
                select(statistic_subject_area.c.statistic_id)
                .join(SubjectArea, SubjectArea.id == statistic_subject_area.c.subject_area_id)
                .where(SubjectArea.slug == query.subject_area)
            )
        )
    if query.statistic:
        stmt = stmt.where(Statistic.slug == query.statistic)
    if query.past_days is not None:
        stmt = stmt.where(DataTable.updated >= now - timedelta(days=query.past_days))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    title = DataTable.title_en if query.lang == "en" else DataTable.title_nb
    order = {
        "id": (DataTable.id,),
        # Without the "14700: " many titles start with, as the finder shows them.
        "title": (
            func.replace(func.lower(title), func.lower(DataTable.id) + ": ", ""),
            DataTable.id,
        ),
        "updated": (DataTable.updated.desc().nulls_last(), DataTable.id),
    }[query.order]
    rows = session.scalars(
        stmt.order_by(*order)
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
        .options(selectinload(DataTable.statistic).selectinload(Statistic.producer))
    )
    return list(rows), total


def next_releases(session: Session, statistic_ids: set[int], now: datetime) -> dict[int, Release]:
    """Each statistic's next release still to come at ``now`` (confirmed or provisional; its time and
    precision say how exactly it is known), for those that have one: when its tables are next updated."""
    from portal.kernel.access import ahead_filter

    if not statistic_ids:
        return {}
    found: dict[int, Release] = {}
    for release in session.scalars(
        select(Release)
        .where(
            Release.statistic_id.in_(statistic_ids),
            ahead_filter(Release.state, Release.release_at, now),
        )
        .order_by(Release.release_at)
    ):
        found.setdefault(release.statistic_id, release)
    return found


def tables_of(session: Session, statistic_slug: str, now: datetime) -> list[tuple[str, str, str]]:
    """(id, title nb, title en) of a statistic's public tables, by id."""
    from portal.programme.models import Statistic

    rows = session.execute(
        visible(now)
        .join(Statistic, Statistic.id == DataTable.statistic_id)
        .where(Statistic.slug == statistic_slug)
        .with_only_columns(DataTable.id, DataTable.title_nb, DataTable.title_en)
        .order_by(DataTable.id)
    )
    return [(table_id, nb, en) for table_id, nb, en in rows]


def public_codelist(session: Session, codelist_id: str, now: datetime) -> CodeList | None:
    """Code list ``codelist_id`` (exactly, else in any case) while a table public at ``now`` offers
    it; None otherwise (so a code list made for an embargoed table does not show before it)."""
    row = find(session, codelist_id)
    if row is None:
        return None
    public = session.scalar(
        visible(now)
        .join(TableCodeListLink, TableCodeListLink.table_id == DataTable.id)
        .where(TableCodeListLink.codelist_id == row.id)
        .with_only_columns(DataTable.id)
        .limit(1)
    )
    return CodeList.of(row) if public is not None else None
