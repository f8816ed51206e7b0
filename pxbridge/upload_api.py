"""/api/v1/tables: producers' systems upload a table (a PX file) to one of their statistics, optionally
tied to a release so it stays invisible until the release's time (bearer tokens, scoped)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request, url_for
from pydantic import BaseModel

from portal.api.edge import json_response, now, register_api, require_actor_present
from portal.api.openapi import Operation, Param, operation, problems
from portal.auth import current_actor
from portal.db import get_session
from portal.errors import BadRequest, FieldError
from pxbridge.ingest import store_table
from pxbridge.ingest_formats import parse_csv_with_sidecar, parse_jsonstat
from pxbridge.px import PxTable, parse_px
from pxbridge.views import get_store

bp = Blueprint("table_api", __name__, url_prefix="/api/v1/tables")


class TableOut(BaseModel):
    id: str
    title_nb: str
    cells: int
    release: int | None
    links: dict[str, str]


@bp.post("")
@operation(
    Operation(
        "Upload a table to one of your statistics: a PX file (Windows-1252, ISO-8859-1 or UTF-8), "
        "JSON-stat 2.0 (application/json), or a long CSV with a JSON sidecar (multipart parts csv "
        "and sidecar); the same id again replaces it. Refused whole, naming the line or pointer.",
        "tables",
        {201: ("Stored.", TableOut), **problems(400, 401, 403, 409, 413)},
        auth=True,
        query=(
            Param("statistic", "Slug of your statistic the table belongs to.", {"type": "string"}),
            Param("release", "A release of that statistic: hidden until it.", {"type": "integer"}),
            Param(
                "table_id", "The id (default: the file's TABLEID or MATRIX).", {"type": "string"}
            ),
        ),
    )
)
def upload_table() -> Response:
    require_actor_present()
    request.max_content_length = current_app.config["TABLE_UPLOAD_MAX_BYTES"]
    statistic = (request.args.get("statistic") or "").strip()
    if not statistic:
        raise BadRequest("statistic is required.", (FieldError("statistic", "required"),))
    release_raw = request.args.get("release")
    try:
        release = int(release_raw) if release_raw else None
    except ValueError:
        raise BadRequest(
            "release must be a number.", (FieldError("release", "a number"),)
        ) from None
    parsed = _parse_upload(current_app.config["TABLE_MAX_CELLS"])
    db, store = get_session(), get_store()
    table, replaced = store_table(
        db,
        current_actor(),
        store,
        parsed,
        statistic_slug=statistic,
        release_id=release,
        table_id=request.args.get("table_id") or None,
        now=now(),
    )
    try:
        db.commit()
    except Exception:
        db.rollback()
        if table.store_revision and table.store_revision != replaced:
            store.delete(table.id, table.store_revision)
        raise
    if replaced:
        store.delete(table.id, replaced)
    link = url_for("pxwebapi.get_table", table_id=table.id)
    return json_response(
        TableOut(
            id=table.id,
            title_nb=table.title_nb,
            cells=table.cells,
            release=table.release_id,
            links={"pxwebapi": link},
        ),
        201,
        {"Location": link},
    )


def _parse_upload(max_cells: int) -> PxTable:
    """The body as a table: JSON-stat 2.0 (application/json), a long CSV with a JSON sidecar
    (multipart/form-data parts ``csv`` and ``sidecar``), or else a PX file. Raises BadRequest."""
    if request.mimetype == "application/json":
        return parse_jsonstat(request.get_data(cache=False), max_cells=max_cells)
    if request.mimetype == "multipart/form-data":
        csv_file, sidecar = request.files.get("csv"), request.files.get("sidecar")
        if csv_file is None or sidecar is None:
            raise BadRequest(
                "Send two parts: csv (the values) and sidecar (the JSON description).",
                (FieldError("csv", "required"), FieldError("sidecar", "required")),
            )
        return parse_csv_with_sidecar(csv_file.read(), sidecar.read(), max_cells=max_cells)
    return parse_px(request.get_data(cache=False), max_cells=max_cells)


def init_app(app: Flask) -> None:
    register_api(app, bp)
