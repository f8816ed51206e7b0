"""The PxAPI bridge attached to the app: the cell store, PxWebApi 2.0, the classic PxWeb API, the
producers' table upload API, the table pages and the `portal tables` commands (issue 6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from flask import Flask, current_app
from numpy.typing import NDArray

from portal.errors import NotFound
from portal.web.routing import page_blueprint
from pxbridge import codelists
from pxbridge.codelists import Applied, CodeList
from pxbridge.cube import Cube
from pxbridge.extract import build_cube, check_placement, place
from pxbridge.interfaces import RemoteSourceClient
from pxbridge.models import DataTable, RemoteSource
from pxbridge.selection import Selection, default_selection, problem, resolve
from pxbridge.store import CellStore

bp = page_blueprint("tables", __name__)


def get_store(app: Flask | None = None) -> CellStore:
    store: CellStore = (app or current_app).extensions["pxbridge.store"]
    return store


def table_cells(table: DataTable, selection: Selection) -> NDArray[np.float64]:
    """The table's stored cells as a read-only memory map (the selection is cut from it later)."""
    if table.store_revision is None:
        raise NotFound(f"Table {table.id} has no stored cells.")
    return get_store().open(table.id, table.store_revision)


def table_symbols(table: DataTable) -> NDArray[np.int64] | None:
    """The flat positions of the table's stored symbol cells (None for a table without cells)."""
    if table.store_revision is None:
        return None
    return get_store().symbol_positions(table.id, table.store_revision)


def applied_codelists(
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
        from portal.db import get_session

        available = codelists.of_table(get_session(), table)
    return codelists.choose(table.variables, available, wanted)


def resolve_selection(
    table: DataTable,
    requested: Mapping[str, list[str]],
    wanted: Mapping[str, str] | None = None,
    available: Sequence[CodeList] | None = None,
) -> tuple[Selection, dict[int, Applied]]:
    """A selection (the default one when empty) of the table's variables, with the code lists
    ``wanted`` applied: value codes of such a variable name the code list's values."""
    applied = applied_codelists(table, wanted, available)
    variables = codelists.variables_with(table.variables, applied)
    if not requested:
        requested = default_selection(variables)
    limit = current_app.config["PXAPI_MAX_CELLS"]
    return resolve(variables, requested, max_cells=limit), applied


def select_cube(
    table: DataTable,
    requested: dict[str, list[str]],
    lang: str,
    stub: list[str],
    heading: list[str],
    wanted: Mapping[str, str] | None = None,
    available: Sequence[CodeList] | None = None,
) -> tuple[Cube, Selection]:
    """Resolve a selection (the default one when empty), with the code lists ``wanted`` (``{variable:
    codelist id}``), and cut the cube from the table's cells."""
    selection, applied = resolve_selection(table, requested, wanted, available)
    if table.remote_id is not None:
        if applied:  # a mirrored table's cells are its remote's, and so are its code lists
            raise problem(400, "Non-existent codelist", "Non-existent codelist")
        check_placement(table, selection, stub, heading)  # before the remote is asked
        return place(_remote_cube(table, selection, lang), table, stub, heading), selection
    stored = table_cells(table, selection)
    cube = build_cube(
        table,
        stored,
        selection,
        lang,
        stub=stub,
        heading=heading,
        applied=applied,
        nan_at=table_symbols(table),
    )
    return cube, selection


def remote_client(source: RemoteSource) -> RemoteSourceClient:
    """The client of a registered remote, with the app's limits: ``REMOTE_TIMEOUT_SECONDS`` for
    each call, and this process's guard of that remote (``REMOTE_MAX_IN_FLIGHT``,
    ``REMOTE_QUEUE_SECONDS``, ``REMOTE_BREAKER_FAILURES``, ``REMOTE_BREAKER_SECONDS``)."""
    from pxbridge.remote import client_for
    from pxbridge.remote_guard import GuardLimits, RemoteGuards

    config = current_app.config
    limits = GuardLimits(
        max_in_flight=int(config["REMOTE_MAX_IN_FLIGHT"]),
        queue_seconds=float(config["REMOTE_QUEUE_SECONDS"]),
        failures_to_open=int(config["REMOTE_BREAKER_FAILURES"]),
        open_seconds=float(config["REMOTE_BREAKER_SECONDS"]),
    )
    guards: RemoteGuards = current_app.extensions.setdefault(
        "pxbridge.remote_guards", RemoteGuards()
    )
    return client_for(
        source,
        float(config["REMOTE_TIMEOUT_SECONDS"]),
        guard=guards.get(source.base_url, limits),
        max_bytes=int(config["REMOTE_MAX_BYTES"]),
    )


def _remote_cube(table: DataTable, selection: Selection, lang: str) -> Cube:
    """A mirrored table's cells, asked of its remote (the shared cache first). Raises 502 (failed,
    or junk), 503 (not asked: failing, or busy) and 504 (no answer by the deadline)."""
    from portal.cache import get_cache
    from portal.db import get_session
    from pxbridge.remote import cached_data, remote_cube

    session = get_session()
    source = session.get(RemoteSource, table.remote_id)
    if source is None or table.remote_table_id is None:
        raise NotFound(f"Table {table.id} has no remote.")
    chosen = {
        v.code: [v.codes[i] for i in pick]
        for v, pick in zip(table.variables, selection.picks, strict=True)
        if pick is not None
    }
    client = remote_client(source)
    if not (session.new or session.dirty or session.deleted):
        # A POST for data holds SQLite's write lock from its first query (portal/db.py); no writer
        # should wait out a remote's deadline behind it. Nothing is pending: end the transaction
        # (loaded rows stay usable, expire_on_commit=False).
        session.commit()
    return cached_data(
        get_cache(),
        int(current_app.config["REMOTE_CACHE_SECONDS"]),
        client,
        source.base_url,
        table.remote_table_id,
        chosen,
        lambda body: remote_cube(table, body, lang),
    )


def init_app(app: Flask) -> None:
    from pxbridge import classic, pages, pxwebapi, upload_api  # noqa: F401  (pages registers routes)

    app.extensions["pxbridge.store"] = CellStore(Path(app.instance_path) / "tables")
    app.register_blueprint(bp)
    pxwebapi.init_app(app)
    upload_api.init_app(app)
    classic.init_app(app)
