"""The producers' calendar pages: announce, confirm, move, cancel, correct, disclose, upload. Every
action goes through the same service as the API, so the same rules and scoping apply."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from portal.http.actions import ActionPage, place_refusal, see_other, submit
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.access import Actor, writable_producer_ids
from portal.kernel.i18n import current_language, pick, translate
from portal.programme import service as programme
from portal.programme.models import Producer
from release_calendar import listing, schedule, service
from release_calendar.forms import (
    AccessForm,
    AnnounceForm,
    CancelForm,
    ConfirmForm,
    CorrectionForm,
    RescheduleForm,
    UploadForm,
)
from release_calendar.rules import Kind, Precision, Reason, oslo_instant
from release_calendar.views import bp

PRIVATE = "private; producers' systems use /api/v1/releases"


def _instant(day: Any, clock_time: Any) -> datetime:
    return oslo_instant(datetime.combine(day, clock_time))


def _reasons() -> list[SelectChoice]:
    return [SelectChoice(r.value, translate(f"reason.{r.value}")) for r in Reason]


@bilingual("/min-side/kalender", "/en/my-page/calendar", no_twin_because=PRIVATE, blueprint=bp)
@login_required
def my_releases() -> Response:
    actor = signed_in_actor()
    db, moment = get_session(), now()
    scope = writable_producer_ids(actor)
    slugs = (
        (None,)
        if scope is None
        else tuple(db.scalars(select(Producer.slug).where(Producer.id.in_(scope))))
    )
    items = [
        r
        for slug in slugs
        for r in listing.list_releases(
            db,
            listing.ReleaseQuery(producer=slug, start=moment, per_page=listing.MAX_PER_PAGE),
            moment,
        ).items
    ]
    return render_page("release_calendar/manage_list.html", releases=items)


@bilingual(
    "/min-side/kalender/ny",
    "/en/my-page/calendar/new",
    methods=("GET", "POST"),
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def announce() -> Response:
    actor = signed_in_actor()
    form = AnnounceForm()
    form.statistic.choices = [
        SelectChoice(s.slug, pick(s.name_nb, s.name_en))
        for s in programme.writable_statistics(get_session(), actor)
    ]
    form.kind.choices = [SelectChoice(k.value, translate(f"kind.{k.value}")) for k in Kind]
    form.precision.choices = [
        SelectChoice(p.value, translate(f"precision.{p.value}")) for p in Precision
    ]
    outcome = submit(
        form, lambda: service.announce(get_session(), actor, _announcement(form), now())
    )
    if outcome.value is not None:
        return see_other("release_calendar.manage", release_id=outcome.value.id, varslet=1)
    unplaced = place_refusal(form, outcome.problem, DATE_FIELDS) if outcome.problem else []
    return outcome.render("release_calendar/announce.html", form, unplaced=unplaced)


#: The service names a release's time ``/release_at``; the forms ask for it as a date and a time.
DATE_FIELDS = {"/release_at": "release_date"}


def _announcement(form: AnnounceForm) -> service.Announcement:
    return service.Announcement(
        statistic=form.statistic.data,
        title_nb=form.title_nb.data,
        title_en=form.title_en.data,
        kind=Kind(form.kind.data),
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        period_label_nb=form.period_label_nb.data,
        period_label_en=form.period_label_en.data,
        release_at=_instant(form.release_date.data, form.release_time.data),
        precision=Precision(form.precision.data),
        confirmed=bool(form.confirmed.data),
        contents_nb=form.contents_nb.data or "",
        contents_en=form.contents_en.data or "",
        release_note_nb=form.release_note_nb.data or "",
        release_note_en=form.release_note_en.data or "",
        late_justification=form.late_justification.data or None,
        late_justification_en=form.late_justification_en.data or None,
    )


@bilingual(
    "/min-side/kalender/<int:release_id>",
    "/en/my-page/calendar/<int:release_id>",
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def manage(release_id: int) -> Response:
    return _render_manage(release_id)


def _render_manage(
    release_id: int, status: int = 200, unplaced: list[str] | None = None, **forms: Any
) -> Response:
    db = get_session()
    service.authorize(db, signed_in_actor(), release_id)
    view = listing.get_release(db, release_id, now())
    confirm = forms.get("confirm") or ConfirmForm(version=str(view.version))
    move = forms.get("move") or RescheduleForm(version=str(view.version))
    cancel = forms.get("cancel") or CancelForm(version=str(view.version))
    move.reason.choices = cancel.reason.choices = _reasons()
    correction = forms.get("correction") or CorrectionForm()
    access = forms.get("access") or AccessForm()
    # Five forms on one page share field names (release_date, reason, …): each field's id names its
    # form, so that labels, the error summary's links and aria-describedby find the right one.
    for prefix, form in (
        ("confirm", confirm),
        ("move", move),
        ("cancel", cancel),
        ("correction", correction),
        ("access", access),
    ):
        for field in form:
            if field.type not in {"CSRFTokenField", "HiddenField"}:
                field.id = f"{prefix}-{field.name}"
    return render_page(
        "release_calendar/manage.html",
        status=status,
        release=view,
        unplaced=unplaced or [],
        problem_forms=[confirm, move, cancel, correction, access],
        confirm_form=confirm,
        move_form=move,
        cancel_form=cancel,
        correction_form=correction,
        access_form=access,
    )


def _prepare(form: Any) -> None:
    if hasattr(form, "reason"):
        form.reason.choices = _reasons()


_page = ActionPage(
    blueprint=bp,
    path_nb="/min-side/kalender/<int:release_id>",
    path_en="/en/my-page/calendar/<int:release_id>",
    page_endpoint="release_calendar.manage",
    id_arg="release_id",
    render=_render_manage,
    prepare=_prepare,
    fields=DATE_FIELDS,
)


_action = _page.action


@_action("confirm", "bekreft", "confirm", ConfirmForm)
def confirm_release(db: Session, actor: Actor, release_id: int, f: Any, at: datetime) -> object:
    return service.confirm(
        db,
        actor,
        release_id,
        _instant(f.release_date.data, f.release_time.data),
        late_justification=f.late_justification.data or None,
        late_justification_en=f.late_justification_en.data or None,
        expected_version=int(f.version.data),
        now=at,
    )


@_action("move", "flytt", "move", RescheduleForm)
def move_release(db: Session, actor: Actor, release_id: int, f: Any, at: datetime) -> object:
    moved = service.DateChange(
        _instant(f.release_date.data, f.release_time.data),
        Precision.EXACT,
        Reason(f.reason.data),
        f.reason_text.data,
        f.reason_text_en.data or None,
    )
    return service.reschedule(
        db, actor, release_id, moved, expected_version=int(f.version.data), now=at
    )


@_action("cancel", "avlys", "cancel", CancelForm)
def cancel_release(db: Session, actor: Actor, release_id: int, f: Any, at: datetime) -> object:
    reason, version = Reason(f.reason.data), int(f.version.data)
    return service.cancel(
        db,
        actor,
        release_id,
        reason,
        f.reason_text.data,
        reason_text_en=f.reason_text_en.data or None,
        expected_version=version,
        now=at,
    )


@_action("correction", "rettelse", "correction", CorrectionForm)
def correct_release(db: Session, actor: Actor, release_id: int, f: Any, at: datetime) -> object:
    notice = service.CorrectionNotice(
        f.what_was_wrong_nb.data,
        f.what_was_wrong_en.data,
        f.what_changed_nb.data,
        f.what_changed_en.data,
    )
    return service.add_correction(db, actor, release_id, notice, at)


@_action("access", "tilgang", "access", AccessForm)
def disclose_access(db: Session, actor: Actor, release_id: int, f: Any, at: datetime) -> object:
    return service.disclose_access(
        db,
        actor,
        release_id,
        recipient=f.recipient.data,
        purpose=f.purpose.data,
        purpose_en=f.purpose_en.data or None,
        hours_before=int(f.hours_before.data),
        now=at,
    )


@bilingual(
    "/min-side/kalender/last-opp",
    "/en/my-page/calendar/upload",
    methods=("GET", "POST"),
    no_twin_because="an upload form; systems use POST /api/v1/releases/schedule",
    blueprint=bp,
)
@login_required
def upload() -> Response:
    """The upload form; a file with problems shows them all beside it, by row, and saves nothing
    (400; 403 when its only problem is other producers' statistics)."""
    actor = signed_in_actor()
    form = UploadForm()
    names: list[str] = []

    def import_file() -> list[tuple[int, str]]:
        file = form.schedule.data
        names.append(file.filename or "")
        kind = "application/json" if names[0].lower().endswith(".json") else "text/csv"
        parsed = schedule.parse(file.read(), kind)
        ids = schedule.import_schedule(get_session(), actor, parsed, now())
        return [
            (i, pick(row.title_nb, row.title_en))
            for i, (_, row) in zip(ids, parsed.rows, strict=True)
        ]

    # A refused file is the form's problem, whatever its status; a role that may not announce at
    # all is not, and goes to the error handler after the rollback.
    outcome = submit(form, import_file, not_the_forms_fault={401})
    refused = outcome.problem if isinstance(outcome.problem, schedule.ScheduleRefused) else None
    if outcome.problem is not None and refused is None and outcome.problem.status == 403:
        raise outcome.problem
    return outcome.render(
        "release_calendar/upload.html",
        form,
        created=outcome.value,
        refused=refused,
        field_errors=[
            *form.schedule.errors,
            *([outcome.problem.message()] if outcome.problem else []),
        ],
        filename=names[0] if names else "",
    )


@bilingual(
    "/min-side/kalender/last-opp/mal.csv",
    "/en/my-page/calendar/upload/template.csv",
    no_twin_because="a file to download and fill in",
    blueprint=bp,
)
@login_required
def upload_template() -> Response:
    """The schedule template, with one of the producer's own statistics in its example row."""
    own = programme.writable_statistics(get_session(), signed_in_actor())
    lang = current_language()
    return Response(
        schedule.template_csv(own[0] if own else None, now(), lang),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{translate("sched.template_filename")}"'
            )
        },
    )
