"""Producers' tables in the browser (issue 19): the list of their tables with when each is public, and
uploading one in two steps. The first step reads the file (PX, JSON-stat 2.0, or a long CSV with its
JSON sidecar) and shows every problem, in the page's language, where it is; or a preview of what
would be stored and what it changes in the current revision. The second step asks which release the
table waits for (or none), chosen explicitly, and stores it through the same service as the token API
(``store_table``), so the same scoping, embargo and race rules apply."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from flask import Flask, Response, current_app, request
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.http.actions import see_other
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.forms import PortalForm
from portal.http.imports import accept_imports
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.access import (
    Actor,
    Permission,
    ensure_permission,
    is_pending,
    is_released,
    writable_producer_ids,
)
from portal.kernel.errors import BadRequest, Conflict, FieldError, NotFound, PortalError
from portal.kernel.i18n import MESSAGES, current_language, pick, translate
from portal.programme import service as programme
from portal.programme.models import Statistic
from pxbridge.blueprint import bp, get_store
from pxbridge.ingest import preview
from pxbridge.ingest.from_csv import parse_csv_with_sidecar
from pxbridge.ingest.from_jsonstat import parse_jsonstat
from pxbridge.ingest.limits import check_table_texts
from pxbridge.ingest.messages import where
from pxbridge.ingest.px import PxTable, read_px
from pxbridge.ingest.storing import choose_table_id, commit_table, store_table
from pxbridge.models import DataTable, latest_row
from pxbridge.pages import upload_messages  # noqa: F401  (registers the page's words)
from pxbridge.prebuild import build_ahead
from pxbridge.store.staging import Staged, StagedGone, Staging
from release_calendar.models import Release

PRIVATE = "a producer's own tables and upload form; systems use /api/v1/tables"
#: The release choice that ties the table to no coming release: public once saved.
NOW = "none"
_STAGING = "pxbridge.staging"


class TableUploadForm(PortalForm):
    # Offers only the user's own statistics; a forged choice is refused by the permission check.
    statistic = SelectField(validators=[DataRequired()], validate_choice=False)
    table = FileField()
    sidecar = FileField()
    table_id = StringField(validators=[Optional(), Length(max=40)])


class ReleaseChoiceForm(PortalForm):
    release = RadioField(validators=[InputRequired()], validate_choice=False)
    version = HiddenField()


def staging(app: Flask | None = None) -> Staging:
    found: Staging = (app or current_app).extensions[_STAGING]
    return found


def init_app(app: Flask) -> None:
    app.extensions[_STAGING] = Staging(Path(app.instance_path) / "staged")
    accept_imports(app, "TABLE_UPLOAD_MAX_BYTES", (f"{bp.name}.upload_page",))


def _table_state(table: DataTable, at: datetime) -> tuple[str, Release | None]:
    """Where a table stands for its producer: public, released with its release, waiting for a
    release, or hidden for good (its release was cancelled); the catalogue key (its words are
    filled in by the template: the release's title and time) and the release."""
    release = table.release
    if release is None:
        return "up.state.public", None
    if is_released(release.state, release.release_at, at):
        return "up.state.released", release
    if is_pending(release.state, release.release_at, at):
        return "up.state.waits", release
    return "up.state.cancelled", release


@bilingual("/min-side/tabeller", "/en/my-page/tables", no_twin_because=PRIVATE, blueprint=bp)
@login_required
def my_tables() -> Response:
    actor = signed_in_actor()
    db, at = get_session(), now()
    stmt = (
        select(DataTable)
        .join(Statistic, Statistic.id == DataTable.statistic_id)
        .options(selectinload(DataTable.release), selectinload(DataTable.statistic))
        .order_by(Statistic.name_nb, DataTable.id)
    )
    scope = writable_producer_ids(actor)
    if scope is not None:
        stmt = stmt.where(Statistic.producer_id.in_(scope))
    tables = list(db.scalars(stmt))
    saved_id = request.args.get("lagret") or request.args.get("saved")
    saved = next((t for t in tables if t.id == saved_id), None)
    return render_page(
        "tables/mine.html",
        tables=[(t, _table_state(t, at)) for t in tables],
        saved=(saved, _table_state(saved, at)) if saved is not None else None,
    )


# --------------------------------------------------------------------------------------------
# Step 1: the file


def _kind(filename: str) -> str:
    name = filename.lower()
    if name.endswith(".json"):
        return "jsonstat"
    if name.endswith(".csv"):
        return "csv"
    return "px"


@contextmanager
def _opened(staged: Staged, name: str) -> Iterator[IO[bytes]]:
    path = staged.part(name)
    if path is None:
        raise StagedGone(staged.token)
    with open(path, "rb") as handle:
        yield handle


def _parse(kind: str, table: IO[bytes], sidecar: Callable[[], bytes | None]) -> PxTable:
    """The file as a table, or BadRequest naming every problem found (where it is)."""
    limit = int(current_app.config["TABLE_MAX_CELLS"])
    if kind == "jsonstat":
        return parse_jsonstat(table.read(), max_cells=limit)
    if kind == "csv":
        side = sidecar()
        if side is None:
            raise BadRequest("", (FieldError.said("sidecar", "up.sidecar_missing"),)).said(
                "up.sidecar_missing"
            )
        return parse_csv_with_sidecar(table.read(), side, max_cells=limit)
    return read_px(table, max_cells=limit)


def _statistic(db: Session, actor: Actor, slug: str) -> Statistic:
    statistic = db.scalar(select(Statistic).where(Statistic.slug == slug))
    if statistic is None:
        raise BadRequest("").said("up.unknown_statistic")
    ensure_permission(actor, Permission.TABLE_WRITE, statistic.producer_id)
    return statistic


def _existing(db: Session, key: str) -> DataTable | None:
    return latest_row(
        db, key, (selectinload(DataTable.variables), selectinload(DataTable.statistic))
    )


def _warnings(parsed: PxTable) -> list[dict[str, Any]]:
    return [
        {"line": w.line, "keyword": w.keyword, "nb": w.message("nb"), "en": w.message("en")}
        for w in parsed.warnings
    ]


def _read_upload(actor: Actor, form: TableUploadForm) -> str:
    """Read the form's file, check who may store it, stage it with its preview; the token."""
    db = get_session()
    statistic = _statistic(db, actor, form.statistic.data)
    file = form.table.data
    if file is None or not file.filename:
        raise BadRequest("").said("up.file_missing")
    kind = _kind(file.filename)
    side = form.sidecar.data if form.sidecar.data and form.sidecar.data.filename else None
    parsed = _parse(kind, file.stream, lambda: side.read() if side is not None else None)
    check_table_texts(parsed)
    key = choose_table_id(form.table_id.data or None, parsed)
    existing = _existing(db, key)
    if existing is not None and existing.statistic.producer_id != statistic.producer_id:
        raise Conflict("").said("up.taken", id=existing.id)
    current = None
    if existing is not None and existing.store_revision:
        try:
            current = get_store().open(existing.id, existing.store_revision)
        except (OSError, ValueError):
            current = None
    facts = {
        "statistic": statistic.slug,
        "kind": kind,
        "filename": file.filename,
        "sidecar_name": side.filename if side is not None else None,
        "table_id": existing.id if existing is not None else key,
        "table": preview.describe(parsed, existing.id if existing is not None else key),
        "changes": preview.compare(parsed, existing, current),
        "warnings": _warnings(parsed),
    }
    file.stream.seek(0)
    parts = {"table": file.stream}
    if side is not None:
        side.stream.seek(0)
        parts["sidecar"] = side.stream
    assert actor.id is not None
    return staging().put(actor.id, parts, facts)


def _problem_rows(problem: PortalError, form: Any = None) -> list[tuple[str, str]]:
    """Each of a refusal's problems as (where, what) in the page's language; those about a field of
    ``form`` (the table id, the sidecar) are put at the field instead."""
    lang = current_language()
    rows = []
    for error in problem.errors:
        field = form._fields.get(error.pointer) if form is not None else None
        if field is not None and field.type not in {"CSRFTokenField", "HiddenField"}:
            field.errors = [*field.errors, error.message(lang)]
        else:
            rows.append((where(error, lang), error.message(lang)))
    return rows


@bilingual(
    "/min-side/tabeller/last-opp",
    "/en/my-page/tables/upload",
    methods=("GET", "POST"),
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def upload_page() -> Response:
    """The upload form. A file with problems shows them all, each where it is, and stores nothing
    (400; 409 for an id another producer has); a readable one goes on to its preview."""
    request.max_content_length = int(current_app.config["TABLE_UPLOAD_MAX_BYTES"])
    actor = signed_in_actor()
    form = TableUploadForm()
    form.statistic.choices = [
        SelectChoice(s.slug, pick(s.name_nb, s.name_en))
        for s in programme.writable_statistics(get_session(), actor)
    ]
    if request.method == "GET" and request.args.get("statistikk"):
        form.statistic.data = request.args["statistikk"]
    problem: PortalError | None = None
    status = 200
    if request.method == "POST":
        if not form.validate():
            status = 400
        elif not (form.table.data and form.table.data.filename):
            form.table.errors = [translate("up.file_missing")]
            status = 400
        else:
            try:
                token = _read_upload(actor, form)
            except PortalError as error:
                get_session().rollback()
                if error.status in (401, 403):
                    raise
                problem, status = error, error.status
            else:
                return see_other("tables.upload_preview", token=token)
    return render_page(
        "tables/upload.html",
        status=status,
        form=form,
        problem=problem,
        problems=_problem_rows(problem, form) if problem is not None else [],
        filename=form.table.data.filename if status != 200 and form.table.data else "",
        max_mib=int(current_app.config["TABLE_UPLOAD_MAX_BYTES"]) // (1024 * 1024),
    )


# --------------------------------------------------------------------------------------------
# Step 2: the preview and the release


def _staged(token: str) -> Staged:
    actor = signed_in_actor()
    try:
        assert actor.id is not None
        return staging().get(actor.id, token)
    except StagedGone:
        raise NotFound("").said("up.gone") from None


def _release_choices(
    db: Session, statistic: Statistic, existing: DataTable | None, at: datetime
) -> tuple[list[SelectChoice], Release | None, list[Release]]:
    """The choices: each coming release of the statistic a table can wait for, and "now" unless the
    table waits for a coming release already (an upload cannot publish it early); that release; the
    coming releases (the template words each choice)."""
    coming = [
        r
        for r in db.scalars(
            select(Release)
            .where(Release.statistic_id == statistic.id)
            .order_by(Release.release_at, Release.id)
        )
        if is_pending(r.state, r.release_at, at)
    ]
    waits = None
    if existing is not None and existing.release is not None:
        tied = existing.release
        if is_pending(tied.state, tied.release_at, at):
            waits = tied
    choices = [SelectChoice(str(r.id), "") for r in coming]
    if waits is None:
        choices.append(SelectChoice(NOW, ""))
    return choices, waits, coming


def _preview_page(
    staged: Staged, form: ReleaseChoiceForm, status: int = 200, problem: PortalError | None = None
) -> Response:
    db, at = get_session(), now()
    facts = staged.facts
    statistic = db.scalar(select(Statistic).where(Statistic.slug == facts["statistic"]))
    if statistic is None:
        raise NotFound("").said("up.gone")
    existing = _existing(db, facts["table_id"])
    choices, waits, coming = _release_choices(db, statistic, existing, at)
    form.release.choices = choices
    if not form.version.data and facts.get("changes"):
        form.version.data = str(facts["changes"]["version"])
    return render_page(
        "tables/upload_preview.html",
        status=status,
        form=form,
        token=staged.token,
        facts=facts,
        statistic=statistic,
        existing=existing,
        state=_table_state(existing, at) if existing is not None else None,
        waits=waits,
        coming={str(r.id): r for r in coming},
        problem=problem,
        problems=_problem_rows(problem) if problem is not None else [],
        lang=current_language(),
        languages=[_language_name(code) for code in facts["table"]["languages"]],
    )


def _language_name(code: str) -> str:
    key = f"tab.lang.{code}"
    return translate(key) if key in MESSAGES else code


def _store(staged: Staged, form: ReleaseChoiceForm) -> DataTable:
    """Store the staged upload for the release chosen; raises PortalError."""
    db, actor, at = get_session(), signed_in_actor(), now()
    facts = staged.facts
    choice = form.release.data
    statistic = _statistic(db, actor, facts["statistic"])
    existing = _existing(db, facts["table_id"])
    choices, _, _ = _release_choices(db, statistic, existing, at)
    if choice not in {c.value for c in choices}:
        raise BadRequest("", errors=(FieldError.said("release", "up.choose_release"),)).said(
            "up.choose_release"
        )
    expected = int(form.version.data) if (form.version.data or "").isdigit() else None
    if existing is not None and expected is None:
        raise Conflict("").said("up.appeared", id=existing.id)
    release_id, no_release = (int(choice), False) if choice != NOW else (None, True)
    if no_release and existing is not None and existing.release is not None:
        if is_released(existing.release.state, existing.release.release_at, at):
            release_id, no_release = existing.release_id, False  # keeps the release it came with
    kind = facts["kind"]

    def sidecar() -> bytes | None:
        path = staged.part("sidecar")
        return path.read_bytes() if path is not None else None

    with _opened(staged, "table") as handle:
        parsed = _parse(kind, handle, sidecar)
    table, replaced = store_table(
        db,
        actor,
        get_store(),
        parsed,
        statistic_slug=statistic.slug,
        release_id=release_id,
        no_release=no_release,
        table_id=facts["table_id"],
        expected_version=expected,
        now=at,
    )
    commit_table(db, get_store(), table, replaced)
    build_ahead(current_app._get_current_object(), table.id)  # type: ignore[attr-defined]
    return table


@bilingual(
    "/min-side/tabeller/last-opp/<token>",
    "/en/my-page/tables/upload/<token>",
    methods=("GET", "POST"),
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def upload_preview(token: str) -> Response:
    """The preview of a staged upload and the release choice; saving stores it (303 to the list)."""
    staged = _staged(token)
    form = ReleaseChoiceForm()
    if request.method != "POST":
        return _preview_page(staged, form)
    if not form.validate():
        form.release.errors = [translate("up.choose_release")]
        return _preview_page(staged, form, 400)
    try:
        table = _store(staged, form)
    except PortalError as error:
        get_session().rollback()
        if error.status in (401, 403, 404):
            raise
        if error.status == 400 and any(e.pointer == "release" for e in error.errors):
            form.release.errors = [translate("up.choose_release")]
            return _preview_page(staged, form, 400)
        return _preview_page(staged, form, error.status, error)
    staging().drop(token)
    return see_other("tables.my_tables", lagret=table.id)


@bilingual(
    "/min-side/tabeller/last-opp/<token>/avbryt",
    "/en/my-page/tables/upload/<token>/cancel",
    methods=("POST",),
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def upload_cancel(token: str) -> Response:
    """Throw a staged upload away (nothing was stored)."""
    # CSRFProtect has checked the button's token (portal.http.security).
    staging().drop(_staged(token).token)
    return see_other("tables.upload_page")
