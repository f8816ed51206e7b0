"""What the tables tell subscribers (issue 22): a table's new revision, when it is public: at once for an
upload not tied to a coming release, else at its release's minute, told by the clock (the one visibility
rule, :func:`portal.kernel.access.released_filter`).

And a saved query's revised numbers: at the minute a table's waiting revision goes out, the revision the
public had is still kept beside it (:func:`pxbridge.service.visible`), so each saved query of the table
is run on both, and the cells both have whose values differ are told with the old and the new value
(``savedquery:<id>``). The cells are read from the app's cell store, which :func:`use_store` names (the
alerts are read outside a request, by ``portal notify run``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel import formatting
from portal.kernel.access import is_released, released_filter
from portal.kernel.errors import PortalError
from portal.kernel.i18n import register_messages, translate
from portal.kernel.notifiable import Alert, Notifiable, Write, topic
from pxbridge.api.bodies import parse_selection
from pxbridge.models import DataTable, SavedQuery, latest_row
from pxbridge.query.cube import Cube
from pxbridge.query.cubes import resolve_selection, table_cells, table_symbols
from pxbridge.query.extract import bare_title, build_cube
from pxbridge.store import cells
from pxbridge.store.cell_store import CellStore
from release_calendar.models import Release

register_messages(
    {
        "alert.table.revised": (
            "Tabellen har nye tall: {cells} celler, {first}–{last}.",
            "The table has new figures: {cells} cells, {first}–{last}.",
        ),
        "alert.saved.title": (
            "Lagret spørring {id} (tabell {table})",
            "Saved query {id} (table {table})",
        ),
        "alert.saved.revised": (
            "{n} av {of} tall er revidert: {changes}",
            "{n} of {of} figures are revised: {changes}",
        ),
        "alert.saved.more": ("og {n} til", "and {n} more"),
    }
)
log = logging.getLogger(__name__)
#: Changed cells a saved query's alert names; the rest are counted.
SHOWN_CHANGES = 20
#: Saved queries of more cells than this are not compared (their alert is the table's).
COMPARE_CELLS = 200_000
_STORE: dict[str, CellStore] = {}


def use_store(store: CellStore) -> None:
    """The cell store saved queries are compared in (``pxbridge.blueprint.init_app`` names the app's)."""
    _STORE["cells"] = store


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
        yield from _saved_queries(session, table, table.release.release_at)


def _saved_queries(session: Session, table: DataTable, at: datetime) -> Iterator[Alert]:
    """Each saved query of ``table`` whose numbers its new revision changed, against the kept one."""
    store = _STORE.get("cells")
    kept = session.scalars(
        select(DataTable)
        .where(DataTable.id == table.id, DataTable.row_id != table.id)
        .options(selectinload(DataTable.variables))
    ).first()
    if store is None or kept is None or kept.store_revision is None:
        return
    for saved in session.scalars(select(SavedQuery).where(SavedQuery.table_id == table.id)):
        try:
            changes, compared = _compare(session, store, saved, kept, table)
        except (PortalError, OSError, ValueError) as error:
            # A selection the new revision no longer has, a cell file gone: the table's alert stands.
            log.info("saved query %s not compared: %s", saved.id, error)
            continue
        if changes:
            yield _saved_alert(saved, table, at, changes, compared)


def _cube(session: Session, store: CellStore, saved: SavedQuery, row: DataTable, lang: str) -> Cube:
    requested, _, _, wanted = parse_selection(saved.selection)
    selection, applied = resolve_selection(session, row, requested, COMPARE_CELLS, wanted)
    return build_cube(
        row,
        table_cells(store, row),
        selection,
        lang,
        applied=applied,
        nan_at=table_symbols(store, row),
    )


Change = tuple[dict[str, str], float, float]


def _compare(
    session: Session, store: CellStore, saved: SavedQuery, old: DataTable, new: DataTable
) -> tuple[list[Change], int]:
    """The cells both revisions give the saved query whose values differ (where in nb and en, old,
    new), and how many cells both give."""
    before = {lang: _cube(session, store, saved, old, lang) for lang in ("nb", "en")}
    after = _cube(session, store, saved, new, "nb")
    old_cells = _by_codes(before["nb"])
    labels = {lang: _labels_by_codes(cube) for lang, cube in before.items()}
    changes: list[Change] = []
    compared = 0
    for codes, value in _by_codes(after).items():
        if codes not in old_cells:
            continue
        compared += 1
        previous = old_cells[codes]
        same = previous == value or (
            np.isnan(previous) and np.isnan(value) and cells.decode(previous) == cells.decode(value)
        )
        if not same:
            changes.append(({lang: labels[lang][codes] for lang in labels}, previous, value))
    return changes, compared


def _by_codes(cube: Cube) -> dict[tuple[str, ...], float]:
    values = np.asarray(cube.values, dtype=np.float64).reshape(
        [len(d.codes) for d in cube.dimensions]
    )
    return {
        tuple(d.codes[i] for d, i in zip(cube.dimensions, at, strict=True)): float(values[at])
        for at in np.ndindex(*values.shape)
    }


def _labels_by_codes(cube: Cube) -> dict[tuple[str, ...], str]:
    shape = [len(d.codes) for d in cube.dimensions]
    return {
        tuple(d.codes[i] for d, i in zip(cube.dimensions, at, strict=True)): ", ".join(
            d.labels[i] for d, i in zip(cube.dimensions, at, strict=True)
        )
        for at in np.ndindex(*shape)
    }


def _shown(value: float, lang: str) -> str:
    symbol = cells.decode(value)
    return symbol if symbol is not None else formatting.number(value, lang=lang)


def _saved_alert(
    saved: SavedQuery, table: DataTable, at: datetime, changes: list[Change], compared: int
) -> Alert:
    def text(lang: str) -> str:
        parts = []
        for where, old, new in changes[:SHOWN_CHANGES]:
            line = f"{where[lang]}: {_shown(old, lang)} → {_shown(new, lang)}"
            if cells.decode(old) is None and cells.decode(new) is None:
                line += f" ({'+' if new >= old else ''}{formatting.number(new - old, lang=lang)})"
            parts.append(line)
        if len(changes) > SHOWN_CHANGES:
            parts.append(translate("alert.saved.more", lang, n=len(changes) - SHOWN_CHANGES))
        return translate(
            "alert.saved.revised", lang, n=len(changes), of=compared, changes="; ".join(parts)
        )

    path = f"/api/pxwebapi/v2/savedqueries/{saved.id}/data"
    return Alert(
        kind="savedquery.revised",
        ref=f"savedquery:{saved.id}:{table.store_revision}",
        topics=(topic("savedquery", saved.id),),
        public_at=at,
        title_nb=translate("alert.saved.title", "nb", id=saved.id, table=table.id),
        title_en=translate("alert.saved.title", "en", id=saved.id, table=table.id),
        text_nb=text("nb"),
        text_en=text("en"),
        path_nb=f"{path}?lang=no",
        path_en=f"{path}?lang=en",
        data={
            "changes": [
                {"where": where, "old": _shown(old, "en"), "new": _shown(new, "en")}
                for where, old, new in changes[:SHOWN_CHANGES]
            ],
            "changed": len(changes),
            "compared": compared,
        },
    )


NOTIFIABLE = Notifiable(name="tables", entities=("table",), from_write=from_write, due=due)
