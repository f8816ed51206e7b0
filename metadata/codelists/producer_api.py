"""/api/v1/code-lists: producers' systems create code lists, add versions from CSV or Klass JSON,
compare them and publish (bearer tokens, scoped to the token's producer). Reading is the Klass API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Blueprint, Flask, Response, request, url_for
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from metadata.codelists import editing
from portal.api.edge import json_response, now, parse_body, register_api, require_actor_present
from portal.api.openapi import Operation, Param, operation, problems
from portal.auth import current_actor
from portal.db import get_session
from portal.errors import BadRequest, FieldError

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


def _date_param(name: str, required: bool) -> date | None:
    raw = request.args.get(name)
    if not raw:
        if required:
            raise BadRequest(f"{name} is required (YYYY-MM-DD).", (FieldError(name, "required"),))
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(
            f"{name} must be a date like 2025-01-01.", (FieldError(name, "not a date"),)
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
def create_code_list() -> Response:
    require_actor_present()
    data = parse_body(CodeListCreate)
    db = get_session()
    found = editing.create(
        db,
        current_actor(),
        producer_slug=data.producer,
        kind=data.kind,
        name_nb=data.name_nb,
        name_en=data.name_en,
        description_nb=data.description_nb,
        description_en=data.description_en,
        now=now(),
    )
    db.commit()
    link = url_for("klass.get_classification", classification_id=found.id)
    return json_response(
        CodeListOut(id=found.id, name_nb=found.name_nb, kind=found.kind, links={"klass": link}),
        201,
        {"Location": link},
    )


@bp.post("/<int:classification_id>/versions")
@operation(
    Operation(
        "Add a draft version from CSV (code, parentCode, level, name, shortName) or a "
        "Klass JSON answer; all items or none, every error by line.",
        "code lists",
        {201: ("Added as a draft.", VersionOut), **WRITE_PROBLEMS},
        auth=True,
        query=(
            Param("valid_from", "First day, inclusive.", {"type": "string", "format": "date"}),
            Param("valid_to", "Day after the last, or none.", {"type": "string", "format": "date"}),
        ),
    )
)
def add_version(classification_id: int) -> Response:
    require_actor_present()
    db, actor = get_session(), current_actor()
    editing.authorize(db, actor, classification_id)  # 404 and 403 before the body is read
    start, end = _date_param("valid_from", True), _date_param("valid_to", False)
    assert start is not None
    items = editing.parse_items(request.get_data(cache=False), request.mimetype)
    version = editing.add_version(
        db, actor, classification_id, valid_from=start, valid_to=end, items=items, now=now()
    )
    db.commit()
    return json_response(
        VersionOut(
            id=version.id,
            valid_from=version.valid_from,
            valid_to=version.valid_to,
            items=len(items),
            published=False,
        ),
        201,
    )


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
    try:
        against = int(request.args["against"])
    except (KeyError, ValueError):
        raise BadRequest(
            "against must be a version id.", (FieldError("against", "a number"),)
        ) from None
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
def publish_version(classification_id: int, version_id: int) -> Response:
    require_actor_present()
    db = get_session()
    version = editing.publish(db, current_actor(), classification_id, version_id, now())
    db.commit()
    return json_response(
        VersionOut(
            id=version.id,
            valid_from=version.valid_from,
            valid_to=version.valid_to,
            items=len(version.items),
            published=True,
        )
    )


def init_app(app: Flask) -> None:
    register_api(app, bp)
