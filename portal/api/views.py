"""/api/v1: the JSON twin of every public page, plus writes for producers' systems (bearer tokens)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, json, request, url_for
from pydantic import BaseModel
from sqlalchemy import text

from portal.api import schemas
from portal.api.params import STATISTIC_FILTERS, parse_statistic_query
from portal.http import updated
from portal.http.auth import current_actor
from portal.http.db import get_session
from portal.http.edge import json_response, parse_body, register_api, require_actor_present
from portal.http.instant import now
from portal.http.openapi import (
    PROBLEM_STATUSES,
    Operation,
    Param,
    build_document,
    operation,
    problems,
)
from portal.http.pagecache import shared
from portal.http.routing import render_page
from portal.kernel.errors import BadRequest, FieldError, PreconditionFailed
from portal.programme import serialize, service
from portal.programme.models import Frequency
from portal.web.keyfigures import check_choice, hide_unreleased_choice

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
health_bp = Blueprint("health", __name__)

M = TypeVar("M", bound=BaseModel)

STATISTIC_QUERY = (
    Param("producer", "Producer slug, e.g. ssb."),
    Param("subject_area", "Subject-area slug, e.g. befolkning."),
    Param("frequency", "How often it is published.", {"enum": [f.value for f in Frequency]}),
    Param(
        "official",
        "Official statistics only (true) or only others (false).",
        {"type": "string", "enum": ["true", "false"]},
    ),
    Param(
        "q", "Text contained in the name (nb or en) or slug.", {"type": "string", "maxLength": 200}
    ),
    updated.PARAM,
    Param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    Param(
        "per_page",
        "Items per page.",
        {"type": "integer", "minimum": 1, "maximum": service.MAX_PER_PAGE},
    ),
)


def _fields(data: schemas.StatisticUpdate) -> service.StatisticFields:
    given = data.model_dump(exclude_unset=True)
    for key in ("slug", "producer"):
        given.pop(key, None)
    nulls = [
        k
        for k, v in given.items()
        if v is None
        and k not in {"contact_name", "contact_email", "producer_url", "main_table_id", "headline"}
    ]
    if nulls:
        raise BadRequest(
            "", tuple(FieldError.said(f"/{k}", "api.may_not_be_null") for k in nulls)
        ).said("api.not_null", names=", ".join(nulls))
    if "subject_areas" in given:
        given["subject_areas"] = tuple(given["subject_areas"])
    # The key figures' choice: null clears it ("" and {} to the service).
    if "main_table_id" in given:
        given["main_table_id"] = given["main_table_id"] or ""
    if "headline" in given:
        given["headline"] = {k: tuple(v) for k, v in (given["headline"] or {}).items()}
    return service.StatisticFields(**given)


def _etag(version: int) -> str:
    return f'"{version}"'


@bp.get("/")
@operation(
    Operation(
        "Producers and subject areas with their counts (the home page).",
        "programme",
        {200: ("The programme at a glance.", schemas.IndexOut)},
    )
)
def index() -> Response:
    db = get_session()
    return json_response(
        schemas.IndexOut(
            producers=[serialize.producer(p) for p in service.list_producers(db)],
            subject_areas=[serialize.subject_area(a) for a in service.list_subject_areas(db)],
            links={
                "statistics": url_for(".list_statistics"),
                "openapi": url_for(".openapi_document"),
                "docs": url_for(".docs"),
            },
        )
    )


@bp.get("/producers")
@operation(
    Operation(
        "All 16 producers of official statistics.",
        "programme",
        {200: ("The producers.", schemas.ProducerListOut)},
    )
)
def list_producers() -> Response:
    items = [serialize.producer(p) for p in service.list_producers(get_session())]
    return json_response(schemas.ProducerListOut(items=items))


@bp.get("/producers/<slug>")
@operation(
    Operation(
        "One producer.", "programme", {200: ("The producer.", schemas.ProducerOut), **problems(404)}
    )
)
def get_producer(slug: str) -> Response:
    return json_response(serialize.producer(service.get_producer(get_session(), slug)))


@bp.get("/subject-areas")
@operation(
    Operation(
        "The 21 subject areas (hovedområder).",
        "programme",
        {200: ("The subject areas.", schemas.SubjectAreaListOut)},
    )
)
def list_subject_areas() -> Response:
    items = [serialize.subject_area(a) for a in service.list_subject_areas(get_session())]
    return json_response(schemas.SubjectAreaListOut(items=items))


@bp.get("/subject-areas/<slug>")
@operation(
    Operation(
        "One subject area.",
        "programme",
        {200: ("The subject area.", schemas.SubjectAreaOut), **problems(404)},
    )
)
def get_subject_area(slug: str) -> Response:
    return json_response(serialize.subject_area(service.get_subject_area(get_session(), slug)))


@bp.get("/statistics")
@operation(
    Operation(
        "Statistics, filtered and paged.",
        "programme",
        {200: ("A page of statistics.", schemas.StatisticListOut), **problems(400)},
        query=STATISTIC_QUERY,
    )
)
@shared
def list_statistics() -> Response:
    query = parse_statistic_query(request.args)
    page = service.list_statistics(get_session(), query)
    items = hide_unreleased_choice(get_session(), page.items, now())
    page = dataclasses.replace(page, items=tuple(items))
    # updatedAfter is the API's alone (the page does not take it); its paging links keep it.
    args = {k: v for k, v in request.args.items() if k in (*STATISTIC_FILTERS, updated.NAME)}
    return json_response(serialize.statistic_page(page, args))


@bp.get("/statistics/<slug>")
@operation(
    Operation(
        "One statistic.",
        "programme",
        {200: ("The statistic; its ETag is its version.", schemas.StatisticOut), **problems(404)},
    )
)
def get_statistic(slug: str) -> Response:
    view = service.get_statistic(get_session(), slug)
    [shown] = hide_unreleased_choice(get_session(), [view], now())
    return json_response(serialize.statistic(shown), headers={"ETag": _etag(view.version)})


@bp.post("/statistics")
@operation(
    Operation(
        "Create a statistic for your producer.",
        "programme",
        {201: ("Created.", schemas.StatisticOut), **problems(400, 401, 403, 409, 413, 415)},
        body=schemas.StatisticCreate,
        auth=True,
    )
)
def create_statistic() -> Response:
    require_actor_present()
    data = parse_body(schemas.StatisticCreate)
    db = get_session()
    view = service.create_statistic(
        db,
        current_actor(),
        slug=data.slug,
        producer_slug=data.producer,
        fields=_fields(data),
        now=now(),
    )
    db.commit()
    return json_response(
        serialize.statistic(view),
        201,
        {"Location": url_for(".get_statistic", slug=view.slug), "ETag": _etag(view.version)},
    )


@bp.patch("/statistics/<slug>")
@operation(
    Operation(
        "Change a statistic of your producer.",
        "programme",
        {
            200: ("The statistic as saved.", schemas.StatisticOut),
            **problems(400, 401, 403, 404, 409, 412, 413, 415),
        },
        body=schemas.StatisticUpdate,
        auth=True,
        headers=(Param("If-Match", "The ETag you read; refuses to overwrite a newer change."),),
    )
)
def update_statistic(slug: str) -> Response:
    db = get_session()
    actor = current_actor()
    current = service.authorize_update(db, actor, slug)
    data = parse_body(schemas.StatisticUpdate)
    expected = _if_match()
    if expected is not None and expected != current.version:
        raise PreconditionFailed("").said(
            "api.stale", slug=slug, current=current.version, sent=expected
        )
    fields = _fields(data)
    check_choice(db, slug, fields.main_table_id, fields.headline)
    view = service.update_statistic(db, actor, slug, fields, expected_version=expected, now=now())
    db.commit()
    return json_response(serialize.statistic(view), headers={"ETag": _etag(view.version)})


def _if_match() -> int | None:
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise BadRequest("").said("api.if_match") from None


@bp.get("/openapi.json")
@operation(
    Operation("This API's OpenAPI 3.1 document.", "meta", {200: ("The OpenAPI document.", None)})
)
def openapi_document() -> Response:
    return Response(json.dumps(_document()), mimetype="application/json")


@bp.get("/docs")
def docs() -> Response:
    return render_page(
        "api/docs.html",
        twin_url=url_for(".openapi_document"),
        spec=_document(),
        problem_statuses=sorted(PROBLEM_STATUSES.items()),
    )


def _document() -> dict[str, Any]:
    cached: dict[str, Any] | None = current_app.extensions.get("portal.openapi")
    if cached is None:
        cached = build_document(current_app)
        current_app.extensions["portal.openapi"] = cached
    return cached


@health_bp.get("/healthz")
@operation(
    Operation(
        "Whether the portal and its database answer.",
        "meta",
        {
            200: ("Healthy.", schemas.HealthOut),
            503: ("The database does not answer.", schemas.HealthOut),
        },
    )
)
def healthz() -> Response:
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001  (any failure means unhealthy; the body says so)
        return json_response(schemas.HealthOut(status="unhealthy", database="unreachable"), 503)
    return json_response(schemas.HealthOut(status="ok", database="ok"))


@health_bp.get("/readyz")
@operation(
    Operation(
        "Whether this instance can serve pages: database (at the newest schema), templates, table "
        "store, search index, and Redis when configured. 503 names the parts that fail.",
        "meta",
        {
            200: ("Ready.", schemas.ReadyOut),
            503: ("Not ready; `failing` names the parts.", schemas.ReadyOut),
        },
    )
)
def readyz() -> Response:
    from portal.readiness import check_all

    parts = check_all(current_app)
    failing = sorted(name for name, state in parts.items() if state != "ok")
    body = schemas.ReadyOut(status="unready" if failing else "ok", parts=parts, failing=failing)
    return json_response(body, 503 if failing else 200, {"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    # Token-authenticated JSON only: the session cookie is ignored here, so CSRF cannot apply (see security).
    register_api(app, bp)
    app.register_blueprint(health_bp)
    from portal.api import admin, changes, webhooks

    admin.init_app(app)
    changes.init_app(app)
    webhooks.init_app(app)
