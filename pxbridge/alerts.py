"""What the tables tell subscribers (issue 22): a table's new revision, when it is public: at once for an
upload not tied to a coming release, else at its release's minute, told by the clock (the one visibility
rule, :func:`portal.kernel.access.released_filter`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.access import is_released, released_filter
from portal.kernel.i18n import register_messages, translate
from portal.kernel.notifiable import Alert, Notifiable, Write, topic
from pxbridge.models import DataTable, latest_row
from pxbridge.query.extract import bare_title
from release_calendar.models import Release

register_messages(
    {
        "alert.table.revised": (
            "Tabellen har nye tall: {cells} celler, {first}–{last}.",
            "The table has new figures: {cells} cells, {first}–{last}.",
        ),
    }
)


def _alert(table: DataTable, at: datetime, *, with_statistic: bool) -> Alert:
    def text(lang: str) -> str:
        return translate(
            "alert.table.revised",
            lang,
            cells=table.cells,
            first=table.first_period or "–",
            last=table.last_period or "–",
        )

    topics = [topic("table", table.id)]
    if with_statistic:
        topics.append(topic("statistic", table.statistic.slug))
    return Alert(
        kind="table.revised",
        ref=f"table:{table.id}",
        topics=tuple(topics),
        public_at=at,
        title_nb=f"{table.id}: {bare_title(table.id, table.title_nb)}",
        title_en=f"{table.id}: {bare_title(table.id, table.title_en or table.title_nb)}",
        text_nb=text("nb"),
        text_en=text("en"),
        path_nb=f"/tabeller/{table.id}",
        path_en=f"/en/tables/{table.id}",
        data={"revision": table.store_revision or ""},
    )


def from_write(session: Session, write: Write) -> Iterator[Alert]:
    """An upload public at once (no release, or one already out); one waiting for its release is told at
    its minute by :func:`due`."""
    if write.action not in {"create", "replace"}:
        return
    table = latest_row(session, write.entity_id)
    if table is None:
        return
    release = table.release
    if release is not None and not is_released(release.state, release.release_at, write.at):
        return
    # Tied to a release already out, or to none: public now; the statistic's subscribers are told too,
    # as no release tells them.
    yield _alert(table, write.at, with_statistic=release is None)


def due(session: Session, since: datetime, until: datetime) -> Iterator[Alert]:
    """Tables whose release went out in ``(since, until]`` (the release's own alert tells the
    statistic's subscribers; this one the table's)."""
    for table in session.scalars(
        select(DataTable)
        .join(Release, Release.id == DataTable.release_id)
        .where(
            DataTable.row_id == DataTable.id,
            released_filter(Release.state, Release.release_at, until),
            Release.release_at > since,
        )
        .options(selectinload(DataTable.release), selectinload(DataTable.statistic))
        .order_by(DataTable.id)
    ):
        assert table.release is not None
        yield _alert(table, table.release.release_at, with_statistic=False)


NOTIFIABLE = Notifiable(name="tables", entities=("table",), from_write=from_write, due=due)
