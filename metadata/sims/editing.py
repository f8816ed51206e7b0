"""The producers' documentation pages: a form per section with each concept's guidance beside it, a
completeness summary, publishing, and the review overview for coming releases (K68)."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from sqlalchemy import select

from metadata.blueprint import bp
from metadata.sims import review, scheme, service
from metadata.sims.embargo import Waiting, WaitsForRelease
from metadata.sims.writing import ChangeNoteMissing, NothingToPublish, StaleDraft
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.forms import ButtonForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.access import embargoed_filter, writable_producer_ids
from portal.kernel.errors import BadRequest, Conflict, FieldError, PortalError
from portal.kernel.i18n import format_oslo, pick, translate
from portal.programme.models import Producer, Statistic
from release_calendar.models import Release

PRIVATE = "private; producers' systems use /api/v1/statistics/<slug>/documentation/draft"


def _layout(section: scheme.Section) -> list[tuple[scheme.Field, list[str]]]:
    """The section's fields and the editable concepts each shows: a concept in two of the section's
    fields is shown in the first only, so the form never sends two texts for one concept."""
    known, seen = scheme.by_code(), set()
    layout = []
    for field in section.fields:
        codes = [c for c in dict.fromkeys(field.sims) if known[c].editable and c not in seen]
        seen.update(codes)
        if codes:
            layout.append((field, codes))
    return layout


def _editable(section: scheme.Section) -> list[str]:
    return [code for _, codes in _layout(section) for code in codes]


def _posted(section: scheme.Section, stored: service.Entries) -> dict[str, dict[str, Any]]:
    """The section's concepts as the form sent them, in the API's JSON form. The Norwegian box edits
    the text it showed (bokmål, or nynorsk where that is all there is) and nynorsk it did not show is
    kept, so a field nobody touched is the text as stored (issue 20)."""
    raw: dict[str, dict[str, Any]] = {}
    for code in _editable(section):
        kept = stored.get(code, service.Entry())
        value = {"nb": kept.nb, "nn": kept.nn, "en": request.form.get(f"{code}__en", "")}
        value["nn" if kept.nn and not kept.nb else "nb"] = request.form.get(f"{code}__nb", "")
        raw[code] = {**value, "not_relevant": request.form.get(f"{code}__nr") == "on"}
    return raw


def _changed(posted: dict[str, dict[str, Any]], stored: service.Entries) -> dict[str, Any]:
    """The posted concepts that differ from the stored ones once line breaks are alike."""
    return {
        code: v
        for code, v in posted.items()
        if service.as_stored(service.Entry(v["nb"], v["nn"], v["en"], v["not_relevant"]))
        != stored.get(code, service.Entry())
    }


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


def _opened_version() -> int:
    """The draft version the form was opened on; a missing or garbled one is never current (a 409)."""
    raw = request.form.get("draft_version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else -1


def _field_errors(error: PortalError, posted: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """A refusal as (field id, message) pairs in the page's language, for the error summary and the
    fields; an empty field id is a message about the whole form. Never the service's English."""
    if isinstance(error, WaitsForRelease):
        return [("with_release", _waiting_text(f"doc.waits.{error.reason}", error.waiting))]
    if isinstance(error, ChangeNoteMissing):
        return [("change_note", translate(ChangeNoteMissing.message_key))]
    if isinstance(error, StaleDraft):
        key = "doc.error.stale" if posted else "doc.error.stale_publish"
        return [("", translate(key))]
    if isinstance(error, NothingToPublish):
        return [("", translate(error.message_key))]
    found: list[tuple[str, str]] = []
    for e in error.errors:
        code = e.pointer.removeprefix("/concepts/")
        if e.pointer == "/with_release":
            found.append(("with_release", translate("doc.error.release")))
        elif code in posted and e.key == "doc.field.too_long":
            lang = (
                "nb" if len(posted[code]["nb"] or posted[code]["nn"]) > service.MAX_TEXT else "en"
            )
            found.append((f"{code}__{lang}", translate("doc.error.too_long", max=service.MAX_TEXT)))
    if found:
        return found
    if error.key is None:
        return [("", translate("doc.error.failed"))]
    # A refusal the page has no words of its own for: the catalogue's, its reasons listed under it.
    return [("", error.message())] + [("", e.message()) for e in error.errors if e.key]


@bilingual(
    "/min-side/statistikk/<slug>/dokumentasjon",
    "/en/my-page/statistics/<slug>/documentation",
    methods=("GET", "POST"),
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def edit(slug: str) -> Response:
    """The section's form. Saving keeps the editor on the section, or with a section button
    (``til_seksjon``) takes them to the chosen one: moving between sections saves what was written,
    without JavaScript (issue 20). Nothing changed is nothing saved, so a move alone makes no draft."""
    db, actor = get_session(), signed_in_actor()
    draft = service.get_draft(db, actor, slug)
    section = scheme.section(request.args.get("seksjon") or scheme.sections()[0].id)
    if section is None:
        raise BadRequest("").said("doc.error.no_section")
    status, shown = 200, dict(draft.entries)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        target = scheme.section(request.form.get("til_seksjon", "")) or section
        posted = _posted(section, draft.entries)
        changed = _changed(posted, draft.entries)
        # CSRFProtect has checked the token before this view runs (portal.http.security).
        if not ButtonForm().validate_on_submit():
            raise BadRequest("").said("doc.error.expired_page")
        if not changed:
            return redirect(url_for("metadata.edit", slug=slug, seksjon=target.id), 303)  # type: ignore[return-value]
        try:
            entries = service.parse_entries(changed)
            service.save_draft(
                db,
                actor,
                slug,
                {**{c: service.Entry() for c in changed}, **entries},
                expected_version=_opened_version(),
                now=now(),
                merge=True,
            )
            db.commit()
            return redirect(  # type: ignore[return-value]
                url_for("metadata.edit", slug=slug, seksjon=target.id, lagret=section.id), 303
            )
        except PortalError as error:
            db.rollback()
            if error.status in (401, 403, 404):
                raise
            status = 409 if isinstance(error, Conflict) else 400
            errors = _field_errors(error, posted)
            shown.update(
                {
                    code: service.Entry(v["nb"], v["nn"], v["en"], v["not_relevant"])
                    for code, v in posted.items()
                }
            )
    return _render_edit(
        slug,
        draft,
        section,
        shown,
        status,
        errors,
        saved=scheme.section(request.args.get("lagret", "")),
        published=request.args.get("publisert"),
        kept=bool(errors),
    )


def _published_banner(slug: str, number: str | None) -> tuple[int, bool] | None:
    """The version just published, and whether it is public already (else it waits for a release)."""
    if number is None or not (number.isascii() and number.isdigit()):
        return None
    public = {v.number for v in service.list_versions(get_session(), slug, now())}
    return int(number), int(number) in public


def _render_edit(
    slug: str,
    draft: service.DraftView,
    section: scheme.Section,
    shown: dict[str, service.Entry],
    status: int,
    errors: list[tuple[str, str]],
    *,
    saved: scheme.Section | None,
    published: str | None,
    note: str = "",
    chosen_release: str = "",
    kept: bool = False,
) -> Response:
    waiting = service.waiting(get_session(), signed_in_actor(), slug, now())
    required = set(scheme.required_codes())
    in_section = [c for c in _editable(section) if c in required]
    done = [c for c in in_section if c in shown and (shown[c].norwegian or shown[c].not_relevant)]
    return render_page(
        "metadata/edit.html",
        status=status,
        draft=draft,
        section=section,
        layout=_layout(section),
        entries=shown,
        sections=scheme.sections(),
        concepts=scheme.by_code(),
        errors=errors,
        field_errors=dict(errors),
        completeness=service.completeness(draft.entries),
        form=ButtonForm(),
        releases=_coming_releases(slug, waiting),
        waiting=waiting,
        waiting_notice=_waiting_text("doc.waits.notice", waiting) if waiting else None,
        saved=saved,
        published=_published_banner(slug, published),
        note=note,
        chosen_release=chosen_release,
        kept=kept,
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
    """Publish the saved draft. A refusal shows the form again with the note and the release kept and
    the message at its field; nothing is published."""
    db, actor = get_session(), signed_in_actor()
    service.get_draft(db, actor, slug)
    release = request.form.get("with_release") or ""
    note = request.form.get("change_note", "")
    section = scheme.section(request.form.get("seksjon", "")) or scheme.sections()[0]
    # CSRFProtect has checked the token before this view runs (portal.http.security).
    if not ButtonForm().validate_on_submit():
        raise BadRequest("").said("doc.error.expired_page")
    try:
        if release and not (release.isascii() and release.isdigit()):
            raise BadRequest(
                "", (FieldError.said("/with_release", "doc.field.unknown_release"),)
            ).said("doc.refuse.not_release")
        version = service.publish(
            db,
            actor,
            slug,
            change_note=note,
            with_release=int(release) if release else None,
            expected_version=_opened_version(),
            now=now(),
        )
        db.commit()
    except PortalError as error:
        db.rollback()
        if error.status in (401, 403, 404):
            raise
        draft = service.get_draft(db, actor, slug)
        return _render_edit(
            slug,
            draft,
            section,
            dict(draft.entries),
            409 if isinstance(error, Conflict) else 400,
            _field_errors(error, {}),
            saved=None,
            published=None,
            note=note,
            chosen_release=release,
        )
    return redirect(  # type: ignore[return-value]
        url_for("metadata.edit", slug=slug, seksjon=section.id, publisert=version.number), 303
    )


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
        raise BadRequest("").said("doc.error.expired_page")
    review.confirm_reviewed(db, signed_in_actor(), release_id, now())
    db.commit()
    return redirect(url_for("metadata.overview"), 303)  # type: ignore[return-value]
