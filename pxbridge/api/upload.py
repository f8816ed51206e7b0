"""/api/v1/tables: producers' systems upload a table (a PX file) to one of their statistics, optionally
tied to a release so it stays invisible until the release's time, and put code lists (PxWebApi 2.0
aggregations and valuesets) on their tables' variables (bearer tokens, scoped)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request, url_for
from pydantic import BaseModel, ConfigDict, Field

from portal.http.auth import current_actor
from portal.http.db import get_session
from portal.http.edge import (
    etag,
    if_match_version,
    json_response,
    parse_body,
    register_api,
    require_actor_present,
)
from portal.http.imports import accept_imports
from portal.http.instant import now
from portal.http.openapi import (
    Operation,
    Param,
    RequestBody,
    keep_component_names,
    operation,
    problems,
)
from portal.kernel.errors import BadRequest, FieldError
from pxbridge.blueprint import get_store
from pxbridge.codelists import delete_codelist, put_codelist
from pxbridge.ingest.from_csv import parse_csv_with_sidecar
from pxbridge.ingest.from_jsonstat import parse_jsonstat
from pxbridge.ingest.px import PxTable, read_px
from pxbridge.ingest.storing import commit_table, store_table
from pxbridge.prebuild import build_ahead

# The document published these models when they lived in pxbridge/upload_api.py.
keep_component_names({"pxbridge.api.upload.": "pxbridge.upload_api."})

bp = Blueprint("table_api", __name__, url_prefix="/api/v1/tables")
UPLOAD_PROBLEMS = problems(400, 401, 403, 409, 412, 413)
_FILE = {"type": "string", "format": "binary"}
TABLE_BODY = RequestBody(
    "The table: a PX file, JSON-stat 2.0, or a long CSV with its JSON sidecar.",
    {
        "application/octet-stream": {**_FILE, "description": "A PX file."},
        "text/plain": {**_FILE, "description": "A PX file."},
        "application/json": {
            "type": "object",
            "description": "A JSON-stat 2.0 dataset (dense or sparse value, status).",
            "required": ["version", "class", "id", "size", "dimension", "value"],
        },
        "multipart/form-data": {
            "type": "object",
            "required": ["csv", "sidecar"],
            "properties": {
                "csv": {**_FILE, "description": "The values, one row per cell."},
                "sidecar": {**_FILE, "description": "The table's description (JSON)."},
            },
        },
    },
)


class ImportWarningOut(BaseModel):
    """Something in the file that was read another way than it says, or left out (issue 21)."""

    line: int
    keyword: str
    text: str


class TableOut(BaseModel):
    id: str
    title_nb: str
    cells: int
    release: int | None
    links: dict[str, str]
    #: What PxWeb would warn about and read on past (a PX file's only; empty for JSON-stat and CSV).
    warnings: list[ImportWarningOut] = Field(default_factory=list)


@bp.post("")
@operation(
    Operation(
        "Upload a table to one of your statistics: a PX file (Windows-1252, ISO-8859-1 or UTF-8), "
        "JSON-stat 2.0 (application/json), or a long CSV with a JSON sidecar (multipart parts csv "
        "and sidecar); the same id again replaces it. Refused whole, naming the line or pointer; "
        "what a PX file has that PxWeb reads on past (an unreadable optional keyword, a name of no "
        "variable, DATA without its final ';' …) is read and listed in `warnings`, each with its "
        "line and keyword.",
        "tables",
        {201: ("Stored; its ETag is the table's version.", TableOut), **UPLOAD_PROBLEMS},
        body=TABLE_BODY,
        auth=True,
        headers=(
            Param(
                "If-Match",
                "The ETag of your last upload of this table: replace it only if nobody has since "
                "(412 otherwise). Two uploads of one table at once never mix: one wins, the other "
                "gets 409.",
            ),
        ),
        query=(
            Param("statistic", "Slug of your statistic the table belongs to.", {"type": "string"}),
            Param(
                "release",
                "A release of that statistic: the table is hidden until it. Left out, a new table "
                "has none and a re-upload keeps the release the table is tied to. `none` takes it "
                "off its release. While the table waits for a coming release, an upload that would "
                "make it public now (`none`, or a release already out) is refused with 409: move "
                "the release in the calendar to publish sooner.",
                {"type": "string", "pattern": "^([0-9]+|none)$"},
            ),
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
    release, no_release = _release_param(request.args.get("release"))
    expected = if_match_version()
    parsed = _parse_upload(current_app.config["TABLE_MAX_CELLS"])
    db, store = get_session(), get_store()
    table, replaced = store_table(
        db,
        current_actor(),
        store,
        parsed,
        statistic_slug=statistic,
        release_id=release,
        no_release=no_release,
        table_id=request.args.get("table_id") or None,
        expected_version=expected,
        now=now(),
    )
    commit_table(db, store, table, replaced)
    build_ahead(current_app._get_current_object(), table.id)  # type: ignore[attr-defined]
    link = url_for("pxwebapi.get_table", table_id=table.id)
    return json_response(
        TableOut(
            id=table.id,
            title_nb=table.title_nb,
            cells=table.cells,
            release=table.release_id,
            links={"pxwebapi": link},
            warnings=[
                ImportWarningOut(line=w.line, keyword=w.keyword, text=w.text)
                for w in parsed.warnings
            ],
        ),
        201,
        {"Location": link, "ETag": etag(table.version)},
    )


def _release_param(raw: str | None) -> tuple[int | None, bool]:
    """``release``: (a release id, False), (None, True) for ``none``, or (None, False) when left out
    (keep the table's release). Raises BadRequest."""
    value = (raw or "").strip()
    if not value:
        return None, False
    if value.lower() == "none":
        return None, True
    if not (value.isascii() and value.isdigit()):
        raise BadRequest(
            "release must be a release id or none.", (FieldError("release", "an id or none"),)
        )
    return int(value), False


def _parse_upload(max_cells: int) -> PxTable:
    """The body as a table: JSON-stat 2.0 (application/json), a long CSV with a JSON sidecar
    (multipart/form-data parts ``csv`` and ``sidecar``), or else a PX file. A PX file is read from
    the request's stream as it arrives, a JSON-stat document whole; either way the table's declared
    size is checked against ``max_cells`` before its cells are read (issue 16). A body over
    ``TABLE_UPLOAD_MAX_BYTES`` is 413 before anything is read when its Content-Length says so, else
    once it passes the limit. Raises BadRequest."""
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
    return read_px(request.stream, max_cells=max_cells)


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
    register_api(app, bp)
    # Table files are far larger than any other body; the edge leaves reading them to the parsers.
    accept_imports(app, "TABLE_UPLOAD_MAX_BYTES", (f"{bp.name}.upload_table",))


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
