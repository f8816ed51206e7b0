"""/api/v1/releases: the calendar as JSON, and the producers' write API (bearer tokens)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import TypeVar

from flask import Blueprint, Flask, Response, request, url_for
from pydantic import BaseModel
from sqlalchemy.orm import Session

from portal.http import updated
from portal.http.auth import current_actor
from portal.http.db import get_session
from portal.http.edge import json_response, parse_body, register_api, require_actor_present
from portal.http.instant import now
from portal.http.openapi import Operation, Param, RequestBody, operation, problems
from portal.http.pagecache import shared
from portal.http.routing import View
from portal.kernel.access import Actor
from release_calendar import indicators, listing, schedule, schemas, serialize, service
from release_calendar.params import filter_args, indicator_args, parse_release_query
from release_calendar.rules import Kind, Status

bp = Blueprint("calendar_api", __name__, url_prefix="/api/v1/releases")

RELEASE_QUERY = (
    Param("producer", "Producer slug."),
    Param("subject_area", "Subject-area slug."),
    Param("statistic", "Statistic slug."),
    Param("kind", "Kind of release.", {"enum": [k.value for k in Kind]}),
    Param("status", "Public status.", {"enum": [s.value for s in Status]}),
    Param("q", "Text in the release's or statistic's name.", {"type": "string", "maxLength": 200}),
    Param("from", "First day, Oslo date (YYYY-MM-DD).", {"type": "string", "format": "date"}),
    Param("to", "Last day, inclusive, Oslo date.", {"type": "string", "format": "date"}),
    Param("order", "soonest (default) or newest first.", {"enum": ["soonest", "newest"]}),
    updated.PARAM,
    Param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    Param(
        "per_page",
        "Items per page.",
        {"type": "integer", "minimum": 1, "maximum": listing.MAX_PER_PAGE},
    ),
)
WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 413, 415)


def _one(release_id: int, status: int = 200) -> Response:
    view = listing.get_release(get_session(), release_id, now())
    return json_response(
        serialize.release(view),
        status,
        {"Location": url_for(".get_release", release_id=release_id)} if status == 201 else None,
    )


Body = TypeVar("Body", bound=BaseModel)


def _release_write(
    body: type[Body], status: int = 200
) -> Callable[[Callable[[Session, Actor | None, int, Body, datetime], object]], View]:
    """Make ``change`` a write to one release: 401 without a token before anything else, the body
    parsed as ``body``, then ``change(session, actor, release id, body, now)`` committed, answered
    with the release as ``GET`` shows it, with ``status``."""

    def decorator(change: Callable[[Session, Actor | None, int, Body, datetime], object]) -> View:
        @wraps(change)
        def endpoint(release_id: int) -> Response:
            require_actor_present()
            data = parse_body(body)
            db = get_session()
            change(db, current_actor(), release_id, data, now())
            db.commit()
            return _one(release_id, status)

        return endpoint

    return decorator


@bp.get("")
@operation(
    Operation(
        "Releases, filtered and paged, as on the calendar page.",
        "calendar",
        {200: ("A page of releases.", schemas.ReleaseListOut), **problems(400)},
        query=RELEASE_QUERY,
    )
)
@shared
def list_releases() -> Response:
    query = parse_release_query(request.args)
    page = listing.list_releases(get_session(), query, now())
    # updatedAfter is the API's alone (the page and feeds do not take it); its paging links keep it.
    kept = {k: v for k, v in request.args.items() if k == updated.NAME and v}
    return json_response(serialize.release_page(page, filter_args(request.args) | kept))


@bp.get("/changes")
@operation(
    Operation(
        "Recent date changes, cancellations, late announcements and corrections.",
        "calendar",
        {200: ("Newest first.", schemas.ChangeNoticeListOut)},
    )
)
def list_changes() -> Response:
    notices = listing.list_change_notices(get_session(), now())
    return json_response(schemas.ChangeNoticeListOut(items=[serialize.notice(n) for n in notices]))


INDICATOR_QUERY = (
    Param("year", "Year of publication (Oslo).", {"type": "integer"}),
    Param("producer", "Producer slug."),
)


@bp.get("/indicators")
@operation(
    Operation(
        "On-time announcement, punctuality (three definitions), causes of date "
        "changes and timeliness, computed from the calendar's history.",
        "calendar",
        {
            200: ("Indicators by producer, year and frequency.", schemas.IndicatorsOut),
            **problems(400),
        },
        query=INDICATOR_QUERY,
    )
)
def get_indicators() -> Response:
    year, producer = indicator_args(request.args)
    result = indicators.compute(get_session(), now(), year=year, producer=producer)
    return json_response(
        schemas.IndicatorsOut(
            definitions=indicators.DEFINITIONS,
            years=list(result.years),
            rows=[
                schemas.IndicatorRowOut.model_validate(indicators.as_record(r)) for r in result.rows
            ],
            reasons=[schemas.ReasonRowOut(**r.__dict__) for r in result.reasons],
        )
    )


@bp.get("/indicators.csv")
@operation(
    Operation(
        "The indicator rows as CSV (UTF-8, comma-separated, one row per producer, "
        "year and frequency).",
        "calendar",
        {200: ("CSV.", None), **problems(400)},
        query=INDICATOR_QUERY,
    )
)
def get_indicators_csv() -> Response:
    year, producer = indicator_args(request.args)
    result = indicators.compute(get_session(), now(), year=year, producer=producer)
    return Response(
        indicators.to_csv(result.rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="kalenderindikatorer.csv"'},
    )


@bp.post("/schedule")
@operation(
    Operation(
        "Announce a whole schedule from CSV (text/csv) or JSON (a list of releases) in "
        "one transaction; any bad row rejects the file, with every error listed by row. "
        "Times without a zone are Oslo time.",
        "calendar",
        {201: ("Announced.", schemas.ScheduleOut), **WRITE_PROBLEMS},
        body=RequestBody(
            "The schedule: CSV with a header line, or a JSON list of releases.",
            {
                "text/csv": {
                    "type": "string",
                    "description": "Columns " + ", ".join(schedule.CSV_COLUMNS) + " (the first "
                    "nine required); UTF-8 (with or without a BOM) or Windows-1252, separated by "
                    "commas, semicolons or tabs. Dates as 2027-03-31 or 31.03.2027.",
                },
                "application/json": schemas.ScheduleIn,
            },
        ),
        auth=True,
    )
)
def import_schedule() -> Response:
    require_actor_present()
    db = get_session()
    try:
        rows = schedule.parse(request.get_data(cache=False), request.mimetype)
        created = schedule.import_schedule(db, current_actor(), rows, now())
    except schedule.ScheduleRefused as refused:
        # Each error's detail in the client's language (Accept-Language: nb, nn or no for
        # Norwegian), English otherwise; the title and type stay English and stable.
        asked = request.accept_languages.best_match(("en", "nb", "nn", "no"), default="en")
        raise refused.in_language("en" if asked == "en" else "nb") from None
    db.commit()
    return json_response(
        schemas.ScheduleOut(
            created=len(created), releases=[url_for(".get_release", release_id=i) for i in created]
        ),
        201,
    )


@bp.get("/<int:release_id>")
@operation(
    Operation(
        "One release; its release note and pre-release access appear at release time.",
        "calendar",
        {200: ("The release.", schemas.ReleaseOut), **problems(404)},
    )
)
def get_release(release_id: int) -> Response:
    return _one(release_id)


@bp.post("")
@operation(
    Operation(
        "Announce a release of one of your statistics.",
        "calendar",
        {201: ("Announced.", schemas.ReleaseOut), **WRITE_PROBLEMS},
        body=schemas.ReleaseCreate,
        auth=True,
    )
)
def announce_release() -> Response:
    require_actor_present()
    data = parse_body(schemas.ReleaseCreate)
    db = get_session()
    release = service.announce(
        db,
        current_actor(),
        service.Announcement(
            **data.model_dump(exclude={"kind", "precision"}),
            kind=data.kind,
            precision=data.precision,
        ),
        now(),
    )
    db.commit()
    return _one(release.id, 201)


@bp.patch("/<int:release_id>")
@operation(
    Operation(
        "Change a release's texts before it goes out.",
        "calendar",
        {200: ("Changed.", schemas.ReleaseOut), **WRITE_PROBLEMS},
        body=schemas.ReleaseUpdate,
        auth=True,
    )
)
@_release_write(schemas.ReleaseUpdate)
def update_release(
    db: Session, actor: Actor | None, release_id: int, data: schemas.ReleaseUpdate, at: datetime
) -> object:
    texts = data.model_dump(exclude={"version"}, exclude_none=True)
    return service.update_texts(
        db, actor, release_id, texts=texts, expected_version=data.version, now=at
    )


@bp.post("/<int:release_id>/confirm")
@operation(
    Operation(
        "Confirm the exact date and time of a provisional release.",
        "calendar",
        {200: ("Confirmed.", schemas.ReleaseOut), **WRITE_PROBLEMS},
        body=schemas.ReleaseConfirm,
        auth=True,
    )
)
@_release_write(schemas.ReleaseConfirm)
def confirm_release(
    db: Session, actor: Actor | None, release_id: int, data: schemas.ReleaseConfirm, at: datetime
) -> object:
    return service.confirm(
        db,
        actor,
        release_id,
        data.release_at,
        late_justification=data.late_justification,
        late_justification_en=data.late_justification_en,
        expected_version=data.version,
        now=at,
    )


@bp.post("/<int:release_id>/reschedule")
@operation(
    Operation(
        "Move a release, with a coded reason and text; kept in its public history.",
        "calendar",
        {200: ("Moved.", schemas.ReleaseOut), **WRITE_PROBLEMS},
        body=schemas.ReleaseReschedule,
        auth=True,
    )
)
@_release_write(schemas.ReleaseReschedule)
def reschedule_release(
    db: Session, actor: Actor | None, release_id: int, data: schemas.ReleaseReschedule, at: datetime
) -> object:
    change = service.DateChange(
        data.release_at, data.precision, data.reason, data.reason_text, data.reason_text_en
    )
    return service.reschedule(db, actor, release_id, change, expected_version=data.version, now=at)


@bp.post("/<int:release_id>/cancel")
@operation(
    Operation(
        "Cancel a release that is not out; it stays visible with its reason.",
        "calendar",
        {200: ("Cancelled.", schemas.ReleaseOut), **WRITE_PROBLEMS},
        body=schemas.ReleaseCancel,
        auth=True,
    )
)
@_release_write(schemas.ReleaseCancel)
def cancel_release(
    db: Session, actor: Actor | None, release_id: int, data: schemas.ReleaseCancel, at: datetime
) -> object:
    return service.cancel(
        db,
        actor,
        release_id,
        data.reason,
        data.reason_text,
        reason_text_en=data.reason_text_en,
        expected_version=data.version,
        now=at,
    )


@bp.post("/<int:release_id>/corrections")
@operation(
    Operation(
        "Add a correction notice to a published release.",
        "calendar",
        {201: ("Added.", schemas.ReleaseOut), **WRITE_PROBLEMS},
        body=schemas.CorrectionCreate,
        auth=True,
    )
)
@_release_write(schemas.CorrectionCreate, 201)
def correct_release(
    db: Session, actor: Actor | None, release_id: int, data: schemas.CorrectionCreate, at: datetime
) -> object:
    notice = service.CorrectionNotice(**data.model_dump())
    return service.add_correction(db, actor, release_id, notice, at)


@bp.post("/<int:release_id>/pre-release-access")
@operation(
    Operation(
        "Disclose who had access before release and why (shown at release time).",
        "calendar",
        {201: ("Recorded.", schemas.ReleaseOut), **WRITE_PROBLEMS},
        body=schemas.AccessCreate,
        auth=True,
    )
)
@_release_write(schemas.AccessCreate, 201)
def disclose_access(
    db: Session, actor: Actor | None, release_id: int, data: schemas.AccessCreate, at: datetime
) -> object:
    return service.disclose_access(
        db,
        actor,
        release_id,
        recipient=data.recipient,
        purpose=data.purpose,
        purpose_en=data.purpose_en,
        hours_before=data.hours_before,
        now=at,
    )


def init_app(app: Flask) -> None:
    register_api(app, bp)
