"""The PxAPI bridge attached to the app: the cell store, PxWebApi 2.0, the classic PxWeb API, the
producers' table upload API, the table pages and the `portal tables` commands (issue 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from flask import Flask, current_app
from numpy.typing import NDArray

from portal.errors import NotFound
from portal.web.routing import page_blueprint
from pxbridge.cube import Cube
from pxbridge.extract import build_cube
from pxbridge.models import DataTable
from pxbridge.selection import Selection, default_selection, resolve
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


def select_cube(
    table: DataTable,
    requested: dict[str, list[str]],
    lang: str,
    stub: list[str],
    heading: list[str],
) -> tuple[Cube, Selection]:
    """Resolve a selection (the default one when empty) and cut the cube from the table's cells."""
    if not requested:
        requested = default_selection(table.variables)
    selection = resolve(table.variables, requested, max_cells=current_app.config["PXAPI_MAX_CELLS"])
    stored = table_cells(table, selection)
    return build_cube(table, stored, selection, lang, stub=stub, heading=heading), selection


def init_app(app: Flask) -> None:
    from pxbridge import classic, pages, pxwebapi, upload_api  # noqa: F401  (pages registers routes)

    app.extensions["pxbridge.store"] = CellStore(Path(app.instance_path) / "tables")
    app.register_blueprint(bp)
    pxwebapi.init_app(app)
    upload_api.init_app(app)
    classic.init_app(app)
    from pxbridge.cli import tables_group

    app.cli.add_command(tables_group)
