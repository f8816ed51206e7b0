"""/api/v1/tables: producers' systems upload a table (a PX file) to one of their statistics, optionally
tied to a release so it stays invisible until the release's time, and put code lists (PxWebApi 2.0
aggregations and valuesets) on their tables' variables (bearer tokens, scoped)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request, url_for
from pydantic import BaseModel, ConfigDict, Field

from portal.api.edge import (
    json_response,
    now,
    parse_body,
    register_api,
    require_actor_present,
)
from portal.api.openapi import Operation, Param, operation, problems
from portal.auth import current_actor
from portal.db import get_session
from portal.errors import BadRequest, FieldError
from pxbridge.codelists import delete_codelist, put_codelist
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


class CodeListValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=100)
    label_nb: str = Field("", max_length=300)
    label_en: str = Field("", max_length=300)
    # An aggregation's group: the variable's value codes it sums. A valueset's value: empty.
    value_map: list[str] = Field(default_factory=list, max_length=10_000)


class CodeListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variable: str = Field(min_length=1, max_length=100)
    label_nb: str = Field(min_length=1, max_length=300)
    label_en: str = Field("", max_length=300)
    values: list[CodeListValueIn] = Field(min_length=1, max_length=10_000)


class CodeListOut(BaseModel):
    id: str
    type: str
    variable: str
    values: int
    links: dict[str, str]


@bp.put("/<table_id>/codelists/<codelist_id>")
@operation(
    Operation(
        "Put a code list on a variable of one of your tables, creating or replacing it: an "
        "aggregation (id agg_…; each value a group with a value_map of the variable's codes, its "
        "cells summed) or a valueset (id vs_…; values are codes of the variable). PxWebApi 2.0 then "
        "lists it in the table's metadata and serves it at /codelists/{id}.",
        "tables",
        {
            200: ("Replaced.", CodeListOut),
            201: ("Created.", CodeListOut),
            **problems(400, 401, 403, 404, 409),
        },
        body=CodeListIn,
        auth=True,
    )
)
def put_table_codelist(table_id: str, codelist_id: str) -> Response:
    require_actor_present()
    body = parse_body(CodeListIn)
    db = get_session()
    row, created = put_codelist(
        db,
        current_actor(),
        table_id,
        codelist_id,
        variable=body.variable,
        label_nb=body.label_nb,
        label_en=body.label_en,
        values=[v.model_dump() for v in body.values],
        now=now(),
    )
    db.commit()
    link = url_for("pxwebapi.codelist", codelist_id=row.id)
    return json_response(
        CodeListOut(
            id=row.id,
            type=row.kind,
            variable=row.variable_code,
            values=len(row.values),
            links={"pxwebapi": link},
        ),
        201 if created else 200,
        {"Location": link} if created else None,
    )


def init_app(app: Flask) -> None:
    from portal.inputs import allow_large_body

    register_api(app, bp)
    # Table files are far larger than any other body; the edge leaves reading them to the parsers.
    allow_large_body("table_api.upload_table", "TABLE_UPLOAD_MAX_BYTES")


@bp.delete("/<table_id>/codelists/<codelist_id>")
@operation(
    Operation(
        "Take a code list off one of your tables; it is removed once no table has it.",
        "tables",
        {204: ("Removed.", None), **problems(401, 403, 404)},
        auth=True,
    )
)
def delete_table_codelist(table_id: str, codelist_id: str) -> Response:
    require_actor_present()
    db = get_session()
    delete_codelist(db, current_actor(), table_id, codelist_id, now=now())
    db.commit()
    return Response(status=204)
