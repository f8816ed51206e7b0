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
from pxbridge.px import parse_px
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
        "Upload a table as a PX file (Windows-1252, ISO-8859-1 or UTF-8) to one of your statistics; "
        "the same id again replaces it. Refused whole with the line and keyword of the problem.",
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
    parsed = parse_px(
        request.get_data(cache=False), max_cells=current_app.config["TABLE_MAX_CELLS"]
    )
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


def init_app(app: Flask) -> None:
    register_api(app, bp)
