"""/api/v1/code-lists: producers' systems create code lists, add versions from CSV or Klass JSON,
compare them and publish (bearer tokens, scoped to the token's producer). Reading is the Klass API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Blueprint, Flask, Response, request, url_for
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from metadata.codelists import correspondence, editing, variants
from metadata.codelists.importing import ItemIn
from metadata.codelists.models import (
    ClassificationVariant,
    ClassificationVersion,
    CorrespondenceTable,
)
from portal.http.auth import current_actor
from portal.http.db import get_session
from portal.http.edge import (
    Write,
    json_response,
    parse_body,
    register_api,
    require_actor_present,
    write_endpoint,
)
from portal.http.imports import accept_imports
from portal.http.openapi import Operation, Param, RequestBody, operation, problems
from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.params import required_id

bp = Blueprint("codelist_api", __name__, url_prefix="/api/v1/code-lists")
WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 413, 415)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class CodeListCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    producer: Annotated[str, StringConstraints(max_length=40)]
    kind: Annotated[str, Field(description="CLASSIFICATION or CODELIST")] = "CODELIST"
    name_nb: Name
    name_en: Name
    description_nb: Annotated[str, StringConstraints(max_length=5000)] = ""
    description_en: Annotated[str, StringConstraints(max_length=5000)] = ""


class CodeListOut(BaseModel):
    id: int
    name_nb: str
    kind: str
    links: dict[str, str]


class VersionOut(BaseModel):
    id: int
    valid_from: date
    valid_to: date | None
    items: int
    published: bool


class ChangeOut(BaseModel):
    code: str
    old_name: str | None
    new_name: str | None


class ChangesOut(BaseModel):
    changes: list[ChangeOut]


class KlassCodeIn(BaseModel):
    """One code as Klass answers it (``codes`` of /codes and /codesAt, ``classificationItems`` of a
    version): every field is kept. ``presentationName`` and the ``...InRequestedRange`` fields may be
    sent but are read past, since Klass derives them from each request."""

    code: str
    parentCode: str | None = None  # noqa: N815  (Klass's own field names)
    level: str | int | None = Field(None, description="1 when left out.")
    name: str
    shortName: str | None = None  # noqa: N815
    presentationName: str | None = Field(None, description="Read past: derived per request.")  # noqa: N815
    validFrom: date | None = Field(None, description="The item's own first day, if it has one.")  # noqa: N815
    validTo: date | None = Field(None, description="The day after the item's last, if it has one.")  # noqa: N815
    notes: str | None = Field(None, description="Kept as sent, line breaks included.")
    name_nn: str = ""
    name_en: str = ""


class KlassCodesIn(BaseModel):
    """A Klass answer holding codes: either list is read."""

    codes: list[KlassCodeIn] | None = None
    classificationItems: list[KlassCodeIn] | None = None  # noqa: N815


class KlassMapIn(BaseModel):
    sourceCode: str | None = None  # noqa: N815
    targetCode: str | None = None  # noqa: N815


class KlassMapsIn(BaseModel):
    """A Klass correspondence answer: either list is read."""

    correspondenceMaps: list[KlassMapIn] | None = None  # noqa: N815
    correspondenceItems: list[KlassMapIn] | None = None  # noqa: N815


CODES_BODY = RequestBody(
    "The codes, all or none: CSV or a Klass JSON answer.",
    {
        "text/csv": {
            "type": "string",
            "description": "A header line naming at least `code` and `name`, and any of "
            "`parentCode`, `level`, `shortName`, `notes`, `validFrom`, `validTo`, `name_nn`, "
            "`name_en` (comma or semicolon; Klass's own CSV answers import as they are), then one "
            "code a line; UTF-8.",
        },
        "application/json": KlassCodesIn,
    },
)
MAPS_BODY = RequestBody(
    "The rows, all or none: CSV or a Klass JSON answer.",
    {
        "text/csv": {
            "type": "string",
            "description": "A header line `sourceCode,targetCode` (comma or semicolon), then one "
            "row a line; either side may be empty. UTF-8.",
        },
        "application/json": KlassMapsIn,
    },
)


def _date_param(name: str, required: bool) -> date | None:
    raw = request.args.get(name)
    if not raw:
        if required:
            raise BadRequest("", (FieldError.said(name, "cl.field.required"),)).said(
                "cl.refuse.date_required", name=name
            )
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("", (FieldError.said(name, "cl.field.not_date"),)).said(
            "cl.refuse.date", name=name
        ) from None


@bp.post("")
@operation(
    Operation(
        "Create an empty code list owned by your producer (ids from 100000).",
        "code lists",
        {201: ("Created.", CodeListOut), **WRITE_PROBLEMS},
        body=CodeListCreate,
        auth=True,
    )
)
@write_endpoint
def create_code_list(write: Write) -> Response:
    data = parse_body(CodeListCreate)
    found = editing.create(
        write.db,
        write.actor,
        producer_slug=data.producer,
        kind=data.kind,
        name_nb=data.name_nb,
        name_en=data.name_en,
        description_nb=data.description_nb,
        description_en=data.description_en,
        now=write.at,
    )
    link = url_for("klass.get_classification", classification_id=found.id)
    return json_response(
        CodeListOut(id=found.id, name_nb=found.name_nb, kind=found.kind, links={"klass": link}),
        201,
        {"Location": link},
    )


@bp.post("/<int:classification_id>/versions")
@operation(
    Operation(
        "Add a draft version from CSV (code, parentCode, level, name, shortName, notes, validFrom, "
        "validTo) or a Klass JSON answer, up to CODELIST_IMPORT_MAX_BYTES; all items or none, "
        "every error by line.",
        "code lists",
        {201: ("Added as a draft.", VersionOut), **WRITE_PROBLEMS},
        body=CODES_BODY,
        auth=True,
        query=(
            Param("valid_from", "First day, inclusive.", {"type": "string", "format": "date"}),
            Param("valid_to", "Day after the last, or none.", {"type": "string", "format": "date"}),
        ),
    )
)
@write_endpoint
def add_version(write: Write, classification_id: int) -> Response:
    editing.authorize(write.db, write.actor, classification_id)  # 404, 403 before the body
    start, end = _date_param("valid_from", True), _date_param("valid_to", False)
    assert start is not None
    items = editing.parse_items(request.get_data(cache=False), request.mimetype)
    version = editing.add_version(
        write.db,
        write.actor,
        classification_id,
        valid_from=start,
        valid_to=end,
        items=items,
        now=write.at,
    )
    return json_response(_version_out(version, len(items)), 201)


@bp.get("/<int:classification_id>/versions/<int:version_id>/changes")
@operation(
    Operation(
        "Preview what a version changes against another, before publishing.",
        "code lists",
        {200: ("Added, removed and renamed codes.", ChangesOut), **problems(400, 401, 403, 404)},
        auth=True,
        query=(Param("against", "The other version's id.", {"type": "integer"}),),
    )
)
def preview_changes(classification_id: int, version_id: int) -> Response:
    require_actor_present()
    against = required_id(request.args, "against", "a version id")
    changes = editing.compare(
        get_session(), current_actor(), classification_id, version_id, against
    )
    return json_response(ChangesOut(changes=[ChangeOut(**c.__dict__) for c in changes]))


@bp.post("/<int:classification_id>/versions/<int:version_id>/publish")
@operation(
    Operation(
        "Publish a draft version; it then appears in the Klass API.",
        "code lists",
        {200: ("Published.", VersionOut), **WRITE_PROBLEMS},
        auth=True,
    )
)
@write_endpoint
def publish_version(write: Write, classification_id: int, version_id: int) -> Response:
    version = editing.publish(write.db, write.actor, classification_id, version_id, write.at)
    return json_response(_version_out(version, len(version.items)))


class ItemPut(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name_nb: Name
    name_nn: Annotated[str, StringConstraints(max_length=500)] = ""
    name_en: Annotated[str, StringConstraints(max_length=500)] = ""
    short_name_nb: Annotated[str, StringConstraints(max_length=200)] = ""
    notes_nb: Annotated[str, StringConstraints(max_length=100_000)] = ""
    parent_code: Annotated[str, StringConstraints(max_length=50)] | None = None
    level: Annotated[int, Field(ge=1, le=20)] = 1
    valid_from: date | None = Field(None, description="The item's own first day, if it has one.")
    valid_to: date | None = Field(None, description="The day after its last, if it has one.")


class ItemOut(BaseModel):
    code: str
    parent_code: str | None
    level: int
    name_nb: str


class VariantOut(BaseModel):
    id: int
    version_id: int
    name_nb: str
    valid_from: date
    valid_to: date | None
    items: int
    published: bool
    links: dict[str, str]


class TableOut(BaseModel):
    id: int
    source_version_id: int
    target_version_id: int
    rows: int
    published: bool
    links: dict[str, str]


def _text_param(name: str, required: bool = True, max_length: int = 300) -> str:
    value = (request.args.get(name) or "").strip()
    if required and not value:
        raise BadRequest("", (FieldError.said(name, "cl.field.required"),)).said(
            "cl.refuse.text_required", name=name
        )
    if len(value) > max_length:
        raise BadRequest("", (FieldError.said(name, "cl.field.too_long"),)).said(
            "cl.refuse.text_long", name=name, max=max_length
        )
    return value


def _version_out(version: ClassificationVersion, items: int) -> VersionOut:
    return VersionOut(
        id=version.id,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        items=items,
        published=version.published,
    )


def _variant_out(variant: ClassificationVariant) -> VariantOut:
    return VariantOut(
        id=variant.id,
        version_id=variant.version_id,
        name_nb=variant.name_nb,
        valid_from=variant.valid_from,
        valid_to=variant.valid_to,
        items=len(variant.items),
        published=variant.published,
        links={"klass": url_for("klass.get_variant", variant_id=variant.id)},
    )


def _table_out(table: CorrespondenceTable) -> TableOut:
    return TableOut(
        id=table.id,
        source_version_id=table.source_version_id,
        target_version_id=table.target_version_id,
        rows=len(table.maps),
        published=table.published,
        links={"klass": url_for("klass.get_correspondence_table", table_id=table.id)},
    )


@bp.put("/<int:classification_id>/versions/<int:version_id>/items/<code>")
@operation(
    Operation(
        "Add or replace one item of a draft version (published versions are fixed).",
        "code lists",
        {200: ("Saved.", ItemOut), **WRITE_PROBLEMS},
        body=ItemPut,
        auth=True,
    )
)
@write_endpoint
def put_item(write: Write, classification_id: int, version_id: int, code: str) -> Response:
    data = parse_body(ItemPut)
    if not code.strip() or len(code) > 50:
        raise BadRequest("", (FieldError.said("code", "cl.field.length"),)).said(
            "cl.refuse.code_length"
        )
    row = editing.put_item(
        write.db,
        write.actor,
        classification_id,
        version_id,
        ItemIn(
            code=code,
            name_nb=data.name_nb,
            parent_code=data.parent_code or None,
            level=data.level,
            name_nn=data.name_nn,
            name_en=data.name_en,
            short_name_nb=data.short_name_nb,
            notes_nb=data.notes_nb,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
        ),
        write.at,
    )
    return json_response(
        ItemOut(code=row.code, parent_code=row.parent_code, level=row.level, name_nb=row.name_nb)
    )


@bp.delete("/<int:classification_id>/versions/<int:version_id>/items/<code>")
@operation(
    Operation(
        "Remove an item without codes under it from a draft version.",
        "code lists",
        {204: ("Removed.", None), **WRITE_PROBLEMS},
        auth=True,
    )
)
@write_endpoint
def delete_item(write: Write, classification_id: int, version_id: int, code: str) -> Response:
    editing.delete_item(write.db, write.actor, classification_id, version_id, code, write.at)
    return Response(status=204)


@bp.post("/<int:classification_id>/versions/<int:version_id>/variants")
@operation(
    Operation(
        "Define a draft variant of a version from CSV (code, parentCode, level, name) or Klass "
        "JSON: the deepest level holds the version's codes, the levels above are your groups.",
        "code lists",
        {201: ("Added as a draft.", VariantOut), **WRITE_PROBLEMS},
        body=CODES_BODY,
        auth=True,
        query=(
            Param("name_nb", "Base name in Norwegian.", {"type": "string"}),
            Param("name_en", "Base name in English.", {"type": "string"}),
            Param("valid_from", "First day, inclusive.", {"type": "string", "format": "date"}),
            Param("valid_to", "Day after the last, or none.", {"type": "string", "format": "date"}),
        ),
    )
)
@write_endpoint
def define_variant(write: Write, classification_id: int, version_id: int) -> Response:
    editing.authorize(write.db, write.actor, classification_id)  # 404, 403 before the body
    name_nb, name_en = _text_param("name_nb"), _text_param("name_en", required=False)
    start, end = _date_param("valid_from", True), _date_param("valid_to", False)
    assert start is not None
    items = editing.parse_items(request.get_data(cache=False), request.mimetype, check=False)
    variant = variants.define(
        write.db,
        write.actor,
        classification_id,
        version_id,
        name_nb=name_nb,
        name_en=name_en,
        valid_from=start,
        valid_to=end,
        items=items,
        now=write.at,
    )
    return json_response(_variant_out(variant), 201)


@bp.post("/<int:classification_id>/variants/<int:variant_id>/publish")
@operation(
    Operation(
        "Publish a draft variant; it then appears in the Klass API.",
        "code lists",
        {200: ("Published.", VariantOut), **WRITE_PROBLEMS},
        auth=True,
    )
)
@write_endpoint
def publish_variant(write: Write, classification_id: int, variant_id: int) -> Response:
    variant = variants.publish(write.db, write.actor, classification_id, variant_id, write.at)
    return json_response(_variant_out(variant))


@bp.post("/<int:classification_id>/versions/<int:version_id>/correspondences")
@operation(
    Operation(
        "Define a draft correspondence table from this version to any version, from CSV "
        "(sourceCode, targetCode) or Klass JSON; to your own next version it is a change table.",
        "code lists",
        {201: ("Added as a draft.", TableOut), **WRITE_PROBLEMS},
        body=MAPS_BODY,
        auth=True,
        query=(
            Param("target_version", "The version mapped to.", {"type": "integer"}),
            Param("description", "What the table is for.", {"type": "string"}),
        ),
    )
)
@write_endpoint
def define_correspondence(write: Write, classification_id: int, version_id: int) -> Response:
    editing.authorize(write.db, write.actor, classification_id)  # 404, 403 before the body
    target = required_id(request.args, "target_version", "a version id")
    read = correspondence.parse_maps(request.get_data(cache=False), request.mimetype)
    table = correspondence.define(
        write.db,
        write.actor,
        classification_id,
        version_id,
        target_version_id=target,
        pairs=read.pairs,
        # A Klass answer's own description, unless the request gives one.
        description_nb=_text_param("description", required=False, max_length=2000)
        or read.description,
        now=write.at,
        source_level=read.source_level,
        target_level=read.target_level,
    )
    return json_response(_table_out(table), 201)


@bp.post("/<int:classification_id>/correspondences/<int:table_id>/publish")
@operation(
    Operation(
        "Publish a draft correspondence table.",
        "code lists",
        {200: ("Published.", TableOut), **WRITE_PROBLEMS},
        auth=True,
    )
)
@write_endpoint
def publish_correspondence(write: Write, classification_id: int, table_id: int) -> Response:
    table = correspondence.publish(write.db, write.actor, classification_id, table_id, write.at)
    return json_response(_table_out(table))


#: The endpoints that import a whole file (a version's codes, a variant, a correspondence table), here
#: and on the producers' pages (metadata/codelists/manage.py): they take bodies up to
#: ``CODELIST_IMPORT_MAX_BYTES`` instead of ``MAX_CONTENT_LENGTH``, and read them once.
IMPORTS = (
    f"{bp.name}.add_version",
    f"{bp.name}.define_variant",
    f"{bp.name}.define_correspondence",
    "metadata.upload_version",
    "metadata.add_variant",
    "metadata.add_table",
)


def init_app(app: Flask) -> None:
    register_api(app, bp)
    accept_imports(app, "CODELIST_IMPORT_MAX_BYTES", IMPORTS)
