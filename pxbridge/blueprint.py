"""The tables' attachment to the app: the table pages' blueprint (``tables.*`` endpoints), the cell
store, and the blueprints of PxWebApi 2.0, the classic PxWeb API and the producers' upload API
(issue 6); and what the HTTP adapters read from the app for :mod:`pxbridge.query.cubes`: the cell limit and
the remotes' limits from the configuration, the request's session and the shared cache."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from portal.http.cache import get_cache
from portal.http.db import get_database, get_session
from portal.http.routing import page_blueprint
from pxbridge.query.cubes import CubeSource
from pxbridge.remotes.bridge import RemoteAccess
from pxbridge.remotes.guard import GuardLimits, RemoteGuards
from pxbridge.store.cell_store import CellStore
from pxbridge.store.shared import SharedCellStore

bp = page_blueprint("tables", __name__, template_folder="templates")


def get_store(app: Flask | None = None) -> CellStore:
    store: CellStore = (app or current_app).extensions["pxbridge.store"]
    return store


def make_store(app: Flask) -> CellStore:
    """The cell store of ``app``: on PostgreSQL the cells live in the database and
    ``instance/tables`` is this machine's cache of them, so every machine serves every table (issue
    23); otherwise ``instance/tables`` holds them."""
    root = Path(app.instance_path) / "tables"
    database = get_database(app)
    if database.engine.dialect.name == "postgresql":
        return SharedCellStore(root, database)
    return CellStore(root)


def remote_access(app: Flask | None = None) -> RemoteAccess:
    """The app's limits on asking a remote: ``REMOTE_TIMEOUT_SECONDS`` for each call,
    ``REMOTE_MAX_BYTES``, ``REMOTE_CACHE_SECONDS``, and this process's guard of each remote
    (``REMOTE_MAX_IN_FLIGHT``, ``REMOTE_QUEUE_SECONDS``, ``REMOTE_BREAKER_FAILURES``,
    ``REMOTE_BREAKER_SECONDS``)."""
    app = app or current_app
    config = app.config
    guards: RemoteGuards = app.extensions.setdefault("pxbridge.remote_guards", RemoteGuards())
    return RemoteAccess(
        timeout_seconds=float(config["REMOTE_TIMEOUT_SECONDS"]),
        max_bytes=int(config["REMOTE_MAX_BYTES"]),
        guard_limits=GuardLimits(
            max_in_flight=int(config["REMOTE_MAX_IN_FLIGHT"]),
            queue_seconds=float(config["REMOTE_QUEUE_SECONDS"]),
            failures_to_open=int(config["REMOTE_BREAKER_FAILURES"]),
            open_seconds=float(config["REMOTE_BREAKER_SECONDS"]),
        ),
        guards=guards,
        cache_seconds=int(config["REMOTE_CACHE_SECONDS"]),
    )


def max_cells() -> int:
    """``PXAPI_MAX_CELLS``: the most cells one answer of the APIs or the pages may select."""
    return int(current_app.config["PXAPI_MAX_CELLS"])


def cube_source() -> CubeSource:
    """Where this request's cubes come from: its session, the app's cell store, cache and limits."""
    return CubeSource(
        session=get_session(),
        store=get_store(),
        max_cells=max_cells(),
        remotes=remote_access(),
        cache=get_cache(),
    )


def init_app(app: Flask) -> None:
    from pxbridge.api import classic, pxwebapi, upload
    from pxbridge.pages import (  # noqa: F401  (importing registers the pages' routes on bp)
        finder,
        selection_alert,  # noqa: F401  (alerts on the page's selection, issue 22)
        views,
    )
    from pxbridge.pages import upload as upload_pages  # producers' tables in the browser (issue 19)

    app.extensions["pxbridge.store"] = make_store(app)
    from pxbridge import alerts

    alerts.use_store(app.extensions["pxbridge.store"])  # saved queries' revised numbers (issue 22)
    app.register_blueprint(bp)
    upload_pages.init_app(app)
    views.init_app(app)  # the whole-table files (issue 21)
    pxwebapi.init_app(app)
    upload.init_app(app)
    classic.init_app(app)
