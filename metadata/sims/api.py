"""/api/v1/statistics/{slug}/documentation: "Om statistikken" as JSON, SDMX-JSON, versions and diffs,
and the producers' draft, publish and review API (bearer tokens)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, json, request, url_for

from metadata.sims import review, schemas, scheme, sdmx, service
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
from portal.http.instant import now
from portal.http.openapi import Operation, Param, operation, problems
from portal.kernel.errors import BadRequest, FieldError

bp = Blueprint("documentation_api", __name__, url_prefix="/api/v1")
WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 413, 415)


def _texts(entries: service.Entries) -> dict[str, schemas.ConceptText]:
    return {
        code: schemas.ConceptText(**value) for code, value in service.entries_json(entries).items()
    }


def _completeness(entries: service.Entries) -> schemas.CompletenessOut:
    c = service.completeness(entries)
    return schemas.CompletenessOut(
        required=c.required,
        filled=c.filled,
        not_relevant=c.not_relevant,
        missing=list(c.missing),
        english=c.english,
        score=c.score,
    )


def documentation_out(slug: str, number: int | None = None) -> schemas.DocumentationOut:
    db, moment = get_session(), now()
    record = service.published(db, slug, moment, number)
    return schemas.DocumentationOut(
        statistic=slug,
        number=record.number,
        published_at=record.published_at,
        published_by=record.published_by,
        change_note=record.change_note,
        last_updated=service.last_updated(db, slug, moment),
        next_update=service.next_update(db, slug, moment),
        completeness=_completeness(record.entries),
        concepts=_texts(record.entries),
        links={
            "self": url_for("documentation_api.get_documentation", slug=slug),
            "html_nb": url_for("metadata.about", slug=slug, lang="nb"),
            "html_en": url_for("metadata.about", slug=slug, lang="en"),
            "versions": url_for("documentation_api.list_versions", slug=slug),
            "sdmx_json": url_for("documentation_api.get_sdmx_json", slug=slug),
        },
    )


def _version_param() -> int | None:
    raw = request.args.get("version")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest("", (FieldError.said("version", "doc.field.not_number"),)).said(
            "doc.refuse.version_nan"
        ) from None


@bp.get("/statistics/<slug>/documentation")
@operation(
    Operation(
        'A statistic\'s published "Om statistikken", keyed by SIMS code (the export).',
        "documentation",
        {200: ("The documentation.", schemas.DocumentationOut), **problems(400, 404)},
        query=(Param("version", "A published version number.", {"type": "integer"}),),
    )
)
def get_documentation(slug: str) -> Response:
    return json_response(documentation_out(slug, _version_param()))


@bp.get("/statistics/<slug>/documentation/sdmx-json")
@operation(
    Operation(
        "The published documentation as an SDMX-JSON 2.0 metadata message, attributes "
        "keyed by SDMX concept id.",
        "documentation",
        {200: ("SDMX-JSON.", None), **problems(404)},
    )
)
def get_sdmx_json(slug: str) -> Response:
    record = service.published(get_session(), slug, now(), _version_param())
    body = sdmx.metadata_message(record, prepared=now())
    return Response(json.dumps(body), mimetype="application/vnd.sdmx.metadata+json")


@bp.get("/statistics/<slug>/documentation/versions")
@operation(
    Operation(
        "Every published version, newest first.",
        "documentation",
        {200: ("Versions.", schemas.VersionListOut), **problems(404)},
    )
)
def list_versions(slug: str) -> Response:
    items = [version_out(v) for v in service.list_versions(get_session(), slug, now())]
    return json_response(schemas.VersionListOut(items=items))


def version_out(version: service.VersionSummary) -> schemas.VersionOut:
    return schemas.VersionOut(
        number=version.number,
        published_at=version.published_at,
        published_by=version.published_by,
        visible_from=version.visible_from,
        change_note=version.change_note,
    )


def diff_out(slug: str, first: int, second: int) -> schemas.DiffOut:
    db, moment = get_session(), now()
    before = service.published(db, slug, moment, first).entries
    after = service.published(db, slug, moment, second).entries
    known = scheme.by_code()

    def text(entry: service.Entry | None) -> schemas.ConceptText | None:
        return None if entry is None else schemas.ConceptText(**entry.__dict__)

    return schemas.DiffOut(
        statistic=slug,
        from_version=first,
        to_version=second,
        changes=[
            schemas.ChangeOut(
                code=c.code,
                sdmx_id=known[c.code].sdmx_id,
                before=text(c.before),
                after=text(c.after),
            )
            for c in service.diff(before, after)
        ],
    )


def diff_args() -> tuple[int, int]:
    try:
        return int(request.args["from"]), int(request.args["to"])
    except (KeyError, ValueError):
        raise BadRequest(
            "",
            (
                FieldError.said("from", "doc.field.version_number"),
                FieldError.said("to", "doc.field.version_number"),
            ),
        ).said("doc.refuse.diff_args") from None


@bp.get("/statistics/<slug>/documentation/diff")
@operation(
    Operation(
        "What changed between two published versions, concept by concept.",
        "documentation",
        {200: ("Changes.", schemas.DiffOut), **problems(400, 404)},
        query=(
            Param("from", "Version number.", {"type": "integer"}),
            Param("to", "Version number.", {"type": "integer"}),
        ),
    )
)
def get_diff(slug: str) -> Response:
    first, second = diff_args()
    return json_response(diff_out(slug, first, second))


def draft_out(view: service.DraftView) -> schemas.DraftOut:
    return schemas.DraftOut(
        statistic=view.statistic_slug,
        draft_version=view.version,
        based_on=view.based_on,
        updated_at=view.updated_at,
        updated_by=view.updated_by,
        completeness=_completeness(view.entries),
        concepts=_texts(view.entries),
    )


@bp.get("/statistics/<slug>/documentation/draft")
@operation(
    Operation(
        "Your working copy (the saved draft, or the latest published version).",
        "documentation",
        {200: ("The draft.", schemas.DraftOut), **problems(401, 403, 404)},
        auth=True,
    )
)
def get_draft(slug: str) -> Response:
    require_actor_present()
    return json_response(draft_out(service.get_draft(get_session(), current_actor(), slug)))


@bp.put("/statistics/<slug>/documentation/draft")
@operation(
    Operation(
        "Save the draft: a whole record keyed by SIMS code (import), or with merge=true "
        "only the concepts given.",
        "documentation",
        {200: ("Saved.", schemas.DraftOut), **WRITE_PROBLEMS},
        body=schemas.DraftIn,
        auth=True,
    )
)
@write_endpoint
def put_draft(write: Write, slug: str) -> Response:
    service.get_draft(write.db, write.actor, slug)  # 404 and 403 before the body is looked at
    data = parse_body(schemas.DraftIn)
    entries = service.parse_entries(data.concepts)
    view = service.save_draft(
        write.db,
        write.actor,
        slug,
        entries,
        expected_version=data.draft_version,
        now=write.at,
        merge=data.merge,
    )
    return json_response(draft_out(view))


@bp.post("/statistics/<slug>/documentation/publish")
@operation(
    Operation(
        "Publish the draft as a new immutable version, now or at a coming release's time. "
        "While a version waits for a coming release the draft builds on it, so publishing now or "
        "with an earlier release is refused (409); publish with that release or a later one.",
        "documentation",
        {201: ("Published.", schemas.VersionOut), **WRITE_PROBLEMS},
        body=schemas.PublishIn,
        auth=True,
    )
)
@write_endpoint
def publish(write: Write, slug: str) -> Response:
    service.get_draft(write.db, write.actor, slug)  # 404 and 403 before the body is looked at
    data = parse_body(schemas.PublishIn)
    version = service.publish(
        write.db,
        write.actor,
        slug,
        change_note=data.change_note,
        with_release=data.with_release,
        expected_version=data.draft_version,
        now=write.at,
    )
    return json_response(version_out(version), 201)


@bp.post("/releases/<int:release_id>/documentation-review")
@operation(
    Operation(
        "Record that the documentation was reviewed for a coming release and needs no "
        "change (K68).",
        "documentation",
        {201: ("Recorded.", schemas.ReviewOut), **problems(401, 403, 404, 409)},
        auth=True,
    )
)
@write_endpoint
def confirm_review(write: Write, release_id: int) -> Response:
    review.confirm_reviewed(write.db, write.actor, release_id, write.at)
    return json_response(schemas.ReviewOut(release=release_id, reviewed=True), 201)


@bp.post("/documentation/import")
@operation(
    Operation(
        "Bring existing documentation for many statistics at once: each becomes the "
        "statistic's draft. All or nothing; every error is listed.",
        "documentation",
        {200: ("Drafts saved.", schemas.ImportOut), **WRITE_PROBLEMS},
        body=schemas.ImportIn,
        auth=True,
    )
)
@write_endpoint
def import_many(write: Write) -> Response:
    data = parse_body(schemas.ImportIn)
    slugs = service.import_many(write.db, write.actor, data.statistics, write.at)
    return json_response(schemas.ImportOut(drafts=slugs))


def init_app(app: Flask) -> None:
    register_api(app, bp)
