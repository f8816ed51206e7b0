"""The PxAPI bridge attached to the app: the cell store, PxWebApi 2.0, the classic PxWeb API, the
producers' table upload API, the table pages and the `portal tables` commands (issue 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from flask import Blueprint, Flask, current_app
from numpy.typing import NDArray

from portal.errors import NotFound
from pxbridge.models import DataTable
from pxbridge.selection import Selection
from pxbridge.store import CellStore

bp = Blueprint("pxbridge", __name__)


def get_store(app: Flask | None = None) -> CellStore:
    store: CellStore = (app or current_app).extensions["pxbridge.store"]
    return store


def table_cells(table: DataTable, selection: Selection) -> NDArray[np.float64]:
    """The table's stored cells as a read-only memory map (the selection is cut from it later)."""
    if table.store_revision is None:
        raise NotFound(f"Table {table.id} has no stored cells.")
    return get_store().open(table.id, table.store_revision)


def init_app(app: Flask) -> None:
    from pxbridge import classic, pxwebapi, upload_api

    app.extensions["pxbridge.store"] = CellStore(Path(app.instance_path) / "tables")
    app.register_blueprint(bp)
    pxwebapi.init_app(app)
    upload_api.init_app(app)
    classic.init_app(app)
    from pxbridge.cli import tables_group

    app.cli.add_command(tables_group)
