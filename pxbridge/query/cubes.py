"""Cutting a cube from a table: a selection (the default one when empty) resolved with the code lists
asked for, then the cells read from the cell store, or asked of the table's remote. Never imports
Flask: the caller passes the session, the store, the cell limit and the remotes' limits
(:class:`CubeSource`), which the HTTP adapters read from the app's configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from portal.kernel.cache import Cache
from portal.kernel.errors import NotFound
from pxbridge import codelists
from pxbridge.codelists import Applied, CodeList
from pxbridge.models import DataTable, RemoteSource
from pxbridge.query.cube import Cube
from pxbridge.query.extract import build_cube, check_placement, place, translated
from pxbridge.query.selection import Selection, default_selection, problem, resolve
from pxbridge.remotes.bridge import RemoteAccess, cached_data, remote_client, remote_cube
from pxbridge.store.cell_store import CellStore


@dataclass(frozen=True)
class CubeSource:
    """Where a cube's cells come from: the session, the cell store, the largest selection allowed
    (``max_cells``), and how a mirrored table's remote is asked, with its answers' shared cache."""

    session: Session
    store: CellStore
    max_cells: int
    remotes: RemoteAccess
    cache: Cache


def table_cells(store: CellStore, table: DataTable) -> NDArray[np.float64]:
    """The table's stored cells as a read-only memory map (the selection is cut from it later).
    Raises 404 for a table without stored cells."""
    if table.store_revision is None:
        raise NotFound("").said("sel.no_cells", id=table.id)
    return store.open(table.id, table.store_revision)


def table_symbols(store: CellStore, table: DataTable) -> NDArray[np.int64] | None:
    """The flat positions of the table's stored symbol cells (None for a table without cells)."""
    if table.store_revision is None:
        return None
    return store.symbol_positions(table.id, table.store_revision)


def applied_codelists(
    session: Session,
    table: DataTable,
    wanted: Mapping[str, str] | None,
    available: Sequence[CodeList] | None = None,
) -> dict[int, Applied]:
    """The code lists ``{variable: codelist id}`` names, on the table's variables (``available``:
    the table's code lists, when the caller has read them). Raises 400 problems "Non-existent
    variable" and "Non-existent codelist"."""
    if not wanted:
        return {}
    if available is None:
        available = codelists.of_table(session, table)
    return codelists.choose(table.variables, available, wanted)


def resolve_selection(
    session: Session,
    table: DataTable,
    requested: Mapping[str, list[str]],
    max_cells: int,
    wanted: Mapping[str, str] | None = None,
    available: Sequence[CodeList] | None = None,
) -> tuple[Selection, dict[int, Applied]]:
    """A selection (the default one when empty) of the table's variables, with the code lists
    ``wanted`` applied: value codes of such a variable name the code list's values. Raises 400 (and
    403 past ``max_cells``) problems as PxWebApi 2.0 words them."""
    applied = applied_codelists(session, table, wanted, available)
    variables = codelists.variables_with(table.variables, applied)
    if not requested:
        requested = default_selection(variables)
    return resolve(variables, requested, max_cells=max_cells), applied


def select_cube(
    source: CubeSource,
    table: DataTable,
    requested: dict[str, list[str]],
    lang: str,
    stub: list[str],
    heading: list[str],
    wanted: Mapping[str, str] | None = None,
    available: Sequence[CodeList] | None = None,
    *,
    every_language: bool = False,
) -> tuple[Cube, Selection]:
    """Resolve a selection (the default one when empty), with the code lists ``wanted`` (``{variable:
    codelist id}``), and cut the cube from the table's cells, or ask its remote for them.
    ``every_language``: with the cube's :attr:`~pxbridge.query.cube.Cube.translations` (a stored
    table's; PX output)."""
    selection, applied = resolve_selection(
        source.session, table, requested, source.max_cells, wanted, available
    )
    if table.remote_id is not None:
        if applied:  # a mirrored table's cells are its remote's, and so are its code lists
            raise problem(400, "Non-existent codelist", "sel.no_codelist")
        check_placement(table, selection, stub, heading)  # before the remote is asked
        cube = _remote_cube(source, table, selection, lang)
        return place(cube, table, stub, heading), selection
    cube = build_cube(
        table,
        table_cells(source.store, table),
        selection,
        lang,
        stub=stub,
        heading=heading,
        applied=applied,
        nan_at=table_symbols(source.store, table),
    )
    return (translated(table, cube) if every_language else cube), selection


def _remote_cube(source: CubeSource, table: DataTable, selection: Selection, lang: str) -> Cube:
    """A mirrored table's cells, asked of its remote (the shared cache first). Raises 502 (failed,
    or junk), 503 (not asked: failing, or busy) and 504 (no answer by the deadline)."""
    session = source.session
    remote = session.get(RemoteSource, table.remote_id)
    if remote is None or table.remote_table_id is None:
        raise NotFound("").said("sel.no_remote", id=table.id)
    chosen = {
        v.code: [v.codes[i] for i in pick]
        for v, pick in zip(table.variables, selection.picks, strict=True)
        if pick is not None
    }
    client = remote_client(remote, source.remotes)
    if not (session.new or session.dirty or session.deleted):
        # A POST for data holds SQLite's write lock from its first query (portal/kernel/db.py); no writer
        # should wait out a remote's deadline behind it. Nothing is pending: end the transaction
        # (loaded rows stay usable, expire_on_commit=False).
        session.commit()
    return cached_data(
        source.cache,
        source.remotes.cache_seconds,
        client,
        remote.base_url,
        table.remote_table_id,
        chosen,
        lambda body: remote_cube(table, body, lang),
    )
