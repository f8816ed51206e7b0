"""/api/v1/changes: the log of every public change (issue 22), and /api/v1/tables: the tables with
``updatedAfter``, so a harvester fetches only what changed. The log's rules are in
:mod:`portal.api.change_log`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, url_for

from portal.api import schemas
from portal.api.change_log import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    parse_change_query,
    parse_language,
)
from portal.api.change_log import (
    list_changes as read_log,
)
from portal.http import updated
from portal.http.db import get_session
from portal.http.edge import json_response, register_api
from portal.http.errors import problem_language
from portal.http.instant import now
from portal.http.openapi import Operation, Param, operation, problems
from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.params import whole_number
from portal.kernel.updated import updated_after
from portal.notify.models import NotifyEvent
from pxbridge import service as tables
from pxbridge.models import DataTable

bp = Blueprint("changes_api", __name__, url_prefix="/api/v1")

CHANGE_QUERY = (
    Param(
        "after",
        "Continue after this event id (the `next` link carries it); 0 or absent: from the start.",
        {"type": "integer", "minimum": 0},
    ),
    Param(
        "limit",
        f"Most events in one answer (default {DEFAULT_LIMIT}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    ),
    Param("kind", "Only this kind of change, e.g. release.published or table.revised."),
    Param("topic", "Only changes about this topic: statistic:<slug>, table:<id>, calendar, …"),
    Param(
        "lang",
        "The language of title, text and link; without it, Accept-Language (English by default).",
        {"enum": ["nb", "en"]},
    ),
)

TABLE_QUERY = (
    updated.PARAM,
    Param("q", "Words in the table's id or title.", {"type": "string", "maxLength": 200}),
    Param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    Param("per_page", "Items per page.", {"type": "integer", "minimum": 1, "maximum": 100}),
)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _change(event: NotifyEvent, lang: str) -> schemas.PublicChangeOut:
    words = event.words
    path = str(words.get("path", {}).get(lang, ""))
    return schemas.PublicChangeOut(
        id=event.id,
        kind=event.kind,
        ref=event.ref,
        topics=list(event.topics),
        title=str(words.get("title", {}).get(lang, "")),
        text=str(words.get("text", {}).get(lang, "")),
        public_at=_stamp(event.public_at),
        link=request.url_root.rstrip("/") + path if path else "",
    )


@bp.get("/changes")
@operation(
    Operation(
        "Every public change in the order it was logged, from any point: follow `next`.",
        "changes",
        {200: ("A page of the log.", schemas.PublicChangeListOut), **problems(400)},
        query=CHANGE_QUERY,
    )
)
def list_public_changes() -> Response:
    query = parse_change_query(request.args)
    lang = parse_language(request.args.get("lang"), problem_language())
    settle = timedelta(seconds=float(current_app.config["CHANGES_SETTLE_SECONDS"]))
    page = read_log(get_session(), query, now(), settle)
    kept = {k: v for k, v in request.args.items() if k in ("limit", "kind", "topic", "lang") and v}
    following = url_for(".list_public_changes", _external=True, **kept, after=page.next_after)
    body = schemas.PublicChangeListOut(
        items=[_change(e, lang) for e in page.items], language=lang, next=following
    )
    return json_response(body, headers={"Link": f'<{following}>; rel="next"'})


def _public_since(table: DataTable) -> datetime:
    release = table.release
    if release is not None and release.release_at > table.updated_at:
        return release.release_at
    return table.updated_at


def _table(table: DataTable) -> schemas.TableSummaryOut:
    return schemas.TableSummaryOut(
        id=table.id,
        title={"nb": table.title_nb, "en": table.title_en},
        statistic=table.statistic.slug,
        updated=_stamp(_public_since(table)),
        links={
            "pxwebapi": url_for("pxwebapi.get_table", table_id=table.id, _external=True),
            "metadata": url_for("pxwebapi.metadata", table_id=table.id, _external=True),
            "data": url_for("pxwebapi.data", table_id=table.id, _external=True),
        },
    )


@bp.get("/tables")
@operation(
    Operation(
        "Public tables by id; with `updatedAfter`, only those changed since.",
        "tables",
        {200: ("A page of tables.", schemas.TableSummaryListOut), **problems(400)},
        query=TABLE_QUERY,
    )
)
def list_public_tables() -> Response:
    since = updated_after(request.args)
    page, per_page = (
        whole_number(request.args, "page", 1),
        whole_number(request.args, "per_page", 50),
    )
    text = (request.args.get("q") or "").strip() or None
    for name, value, high in (("page", page, 1_000_000), ("per_page", per_page, 100)):
        if not 1 <= value <= high:
            raise BadRequest("", (FieldError.said(name, "api.out_of_range"),)).said(
                "api.range", name=name, low=1, high=high
            )
    if text is not None and len(text) > 200:
        raise BadRequest("", (FieldError.said("q", "api.too_long"),)).said("api.q_too_long")
    rows, total = tables.list_tables(
        get_session(), now(), text=text, updated_after=since, page=page, page_size=per_page
    )
    pages = max(1, -(-total // per_page))
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in ("q", updated.NAME) and v}

    def at(number: int) -> str:
        return url_for(".list_public_tables", **args, page=number, per_page=per_page)

    return json_response(
        schemas.TableSummaryListOut(
            items=[_table(t) for t in rows],
            total=total,
            page=page,
            per_page=per_page,
            links=schemas.PageLinks(
                self=at(page),
                next=at(page + 1) if page < pages else None,
                prev=at(page - 1) if page > 1 else None,
            ),
        )
    )


def init_app(app: Flask) -> None:
    register_api(app, bp)
