"""The producers' documentation pages: a form per section with each concept's guidance beside it, a
completeness summary, publishing, and the review overview for coming releases (K68)."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from sqlalchemy import select

from metadata.blueprint import bp
from metadata.sims import review, scheme, service
from metadata.sims.embargo import Waiting, WaitsForRelease
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.forms import ButtonForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.access import embargoed_filter, writable_producer_ids
from portal.kernel.errors import BadRequest, Conflict, PortalError
from portal.kernel.i18n import format_oslo, pick, translate
from portal.programme.models import Producer, Statistic
from release_calendar.models import Release

PRIVATE = "private; producers' systems use /api/v1/statistics/<slug>/documentation/draft"


def _posted_entries(section: scheme.Section) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for field in section.fields:
        for code in field.sims:
            if not scheme.by_code()[code].editable:
                continue
            raw[code] = {
                "nb": request.form.get(f"{code}__nb", ""),
                "en": request.form.get(f"{code}__en", ""),
                "not_relevant": request.form.get(f"{code}__nr") == "on",
            }
    return raw


def _coming_releases(slug: str, waiting: Waiting | None) -> list[Release]:
    """The releases the form offers: confirmed and coming, and none before the one a version waits
    for (the service would refuse them)."""
    db, moment = get_session(), now()
    stmt = (
        select(Release)
        .join(Statistic, Release.statistic_id == Statistic.id)
        .where(Statistic.slug == slug, embargoed_filter(Release.state, Release.release_at, moment))
        .order_by(Release.release_at)
        .limit(12)
    )
    if waiting is not None:
        stmt = stmt.where(Release.release_at >= waiting.release_at)
    return list(db.scalars(stmt))


def _waiting_text(key: str, waiting: Waiting) -> str:
    """A waiting version's notice or refusal, in the page's language."""
    return translate(
        key,
        n=waiting.number,
        release=pick(waiting.release_title_nb, waiting.release_title_en),
        when=format_oslo(waiting.release_at),
    )


@bilingual(
    "/min-side/statistikk/<slug>/dokumentasjon",
    "/en/my-page/statistics/<slug>/documentation",
    methods=("GET", "POST"),
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def edit(slug: str) -> Response:
    db, actor = get_session(), signed_in_actor()
    draft = service.get_draft(db, actor, slug)
    section = scheme.section(request.args.get("seksjon") or scheme.sections()[0].id)
    if section is None:
        raise BadRequest("There is no such section.")
    status, problem, shown = 200, None, dict(draft.entries)
    if request.method == "POST":
        form = ButtonForm()
        posted = _posted_entries(section)
        if not form.validate_on_submit():
            raise BadRequest("The form has expired; reload the page.")
        try:
            entries = service.parse_entries(posted)
            expected = int(request.form.get("draft_version", "-1"))
            service.save_draft(
                db,
                actor,
                slug,
                {**{c: service.Entry() for c in posted}, **entries},
                expected_version=expected,
                now=now(),
                merge=True,
            )
            db.commit()
            return redirect(url_for("metadata.edit", slug=slug, seksjon=section.id, lagret=1), 303)  # type: ignore[return-value]
        except PortalError as error:
            db.rollback()
            if error.status in (401, 403, 404):
                raise
            status, problem = (409 if isinstance(error, Conflict) else 400), error
            shown.update(
                {
                    code: service.Entry(v["nb"], "", v["en"], v["not_relevant"])
                    for code, v in posted.items()
                }
            )
    return _render_edit(
        slug,
        draft,
        section,
        shown,
        status,
        problem,
        saved=request.args.get("lagret") == "1",
        published=request.args.get("publisert"),
    )


def _render_edit(
    slug: str,
    draft: service.DraftView,
    section: scheme.Section,
    shown: dict[str, service.Entry],
    status: int,
    problem: PortalError | None,
    *,
    saved: bool,
    published: str | None,
    refused: str | None = None,
) -> Response:
    waiting = service.waiting(get_session(), signed_in_actor(), slug, now())
    required = set(scheme.required_codes())
    in_section = list(
        dict.fromkeys(
            c
            for f in section.fields
            for c in f.sims
            if c in required and scheme.by_code()[c].editable
        )
    )
    done = [c for c in in_section if c in shown and (shown[c].norwegian or shown[c].not_relevant)]
    return render_page(
        "metadata/edit.html",
        status=status,
        draft=draft,
        section=section,
        entries=shown,
        sections=scheme.sections(),
        concepts=scheme.by_code(),
        problem=problem,
        completeness=service.completeness(draft.entries),
        form=ButtonForm(),
        releases=_coming_releases(slug, waiting),
        waiting=waiting,
        waiting_notice=_waiting_text("doc.waits.notice", waiting) if waiting else None,
        refused=refused,
        saved=saved,
        published=published,
        required=required,
        section_required=len(in_section),
        section_done=len(done),
    )


@bilingual(
    "/min-side/statistikk/<slug>/dokumentasjon/publiser",
    "/en/my-page/statistics/<slug>/documentation/publish",
    methods=("POST",),
    no_twin_because="an action; the API has the same one",
    blueprint=bp,
)
@login_required
def publish(slug: str) -> Response:
    db, actor = get_session(), signed_in_actor()
    service.get_draft(db, actor, slug)
    if not ButtonForm().validate_on_submit():
        raise BadRequest("The form has expired; reload the page.")
    release = request.form.get("with_release") or None
    try:
        version = service.publish(
            db,
            actor,
            slug,
            change_note=request.form.get("change_note", ""),
            with_release=int(release) if release and release.isdigit() else None,
            expected_version=int(request.form.get("draft_version", "-1")),
            now=now(),
        )
        db.commit()
    except PortalError as error:
        db.rollback()
        if error.status in (401, 403, 404):
            raise
        draft = service.get_draft(db, actor, slug)
        refused = None
        if isinstance(error, WaitsForRelease):
            refused = _waiting_text(f"doc.waits.{error.reason}", error.waiting)
        return _render_edit(
            slug,
            draft,
            scheme.sections()[0],
            dict(draft.entries),
            409 if isinstance(error, Conflict) else 400,
            None if refused else error,
            saved=False,
            published=None,
            refused=refused,
        )
    return redirect(url_for("metadata.edit", slug=slug, publisert=version.number), 303)  # type: ignore[return-value]


@bilingual(
    "/min-side/dokumentasjon", "/en/my-page/documentation", no_twin_because=PRIVATE, blueprint=bp
)
@login_required
def overview() -> Response:
    db, actor, moment = get_session(), signed_in_actor(), now()
    scope = writable_producer_ids(actor)
    stmt = select(Statistic).order_by(Statistic.name_nb)
    if scope is not None:
        stmt = stmt.where(Statistic.producer_id.in_(scope))
    rows = []
    for statistic in db.scalars(stmt):
        record = service.published(db, statistic.slug, moment)
        draft = service.get_draft(db, actor, statistic.slug)
        rows.append(
            (statistic, service.completeness(record.entries), record.number, draft.version > 0)
        )
    by_producer: dict[str, list[float]] = {}
    for statistic, done, _, _ in rows:
        by_producer.setdefault(statistic.producer.short_name, []).append(done.score)
    producers = [
        (name, round(sum(scores) / len(scores), 1), len(scores))
        for name, scores in sorted(by_producer.items())
    ]
    reviewed, published_total = review.reviewed_share(db, moment) if scope is None else (None, None)
    return render_page(
        "metadata/overview.html",
        rows=rows,
        producers=producers,
        coming=review.upcoming(db, scope, moment, limit=50),
        form=ButtonForm(),
        reviewed=reviewed,
        published_total=published_total,
        producer_names=[
            p.short_name for p in db.scalars(select(Producer).where(Producer.id.in_(scope)))
        ]
        if scope is not None
        else [],
    )


@bilingual(
    "/min-side/dokumentasjon/gjennomgatt/<int:release_id>",
    "/en/my-page/documentation/reviewed/<int:release_id>",
    methods=("POST",),
    no_twin_because="an action; the API has the same one",
    blueprint=bp,
)
@login_required
def reviewed(release_id: int) -> Response:
    db = get_session()
    if not ButtonForm().validate_on_submit():
        raise BadRequest("The form has expired; reload the page.")
    review.confirm_reviewed(db, signed_in_actor(), release_id, now())
    db.commit()
    return redirect(url_for("metadata.overview"), 303)  # type: ignore[return-value]
