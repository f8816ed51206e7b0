"""Whole-table files built ahead (issues 21 and 23): once an upload is committed, the new revision's
files (every format it is offered in, :func:`pxbridge.store.whole.offered`) are built in a background
thread of the process that took it (``WHOLE_FILES_AHEAD``). At a release minute every program asks
for the new revision's files at once; built ahead, they are served at once instead of each asker
waiting seconds for a million cells to be written.

Never early: a revision waiting for its release is built but not served, as the file routes serve only
the revision public at the request's instant (``pxbridge.pages.views._public_file``), and building it
leaves the public revision's files in place (``ensure(..., ahead=True)``) until the minute. A build
that fails is logged and changes nothing: the file is then built on its first request, as before.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask
from sqlalchemy.orm import selectinload

from portal.http.db import get_database
from pxbridge.models import DataTable, latest_row
from pxbridge.store import whole

log = logging.getLogger(__name__)


def build_ahead(app: Flask, table_id: str) -> threading.Thread | None:
    """Start building ``table_id``'s latest revision's whole-table files in the background; the thread
    (None when ``WHOLE_FILES_AHEAD`` is off)."""
    if not app.config["WHOLE_FILES_AHEAD"]:
        return None
    thread = threading.Thread(
        target=_build, args=(app, table_id), name=f"whole-files-{table_id}", daemon=True
    )
    thread.start()
    return thread


def _build(app: Flask, table_id: str) -> None:
    try:
        with app.app_context(), get_database(app).sessions() as session:
            table = latest_row(
                session,
                table_id,
                (selectinload(DataTable.variables), selectinload(DataTable.statistic)),
            )
            if table is None or table.store_revision is None:
                return
            files: whole.WholeFiles = app.extensions["pxbridge.whole_files"]
            for fmt in whole.offered(table):
                files.ensure(table, fmt, ahead=True)
    except Exception:  # the first request builds it then
        log.exception("whole-table files of %s not built ahead", table_id)
