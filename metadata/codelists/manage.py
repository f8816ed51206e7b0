"""The producers' registry pages: create a code list, add a version from a file, change codes in a draft,
define variants and correspondence tables, see what a draft changes, publish. Every action goes through
the same services as the token API, so the same rules and scoping apply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from flask import Response, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from metadata.blueprint import bp
from metadata.codelists import correspondence, editing, variants
from metadata.codelists.forms import (
    CodeListForm,
    ItemForm,
    TableForm,
    VariantForm,
    VersionUploadForm,
    kind_choices,
)
from metadata.codelists.importing import ItemIn
from metadata.codelists.messages import long_date
from metadata.codelists.models import ClassificationVersion
from portal.http.actions import ActionPage, see_other, submit
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.forms import ButtonForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.access import Actor, writable_producer_ids
from portal.kernel.errors import BadRequest, FieldError, NotFound
from portal.kernel.i18n import pick, translate
from portal.programme.models import Producer

T = TypeVar("T")

PRIVATE = "private; producers' systems use /api/v1/code-lists"


def _kind(filename: str) -> str:
    return "application/json" if filename.lower().endswith(".json") else "text/csv"


def _producer_choices(db: Session, actor: Actor) -> list[SelectChoice]:
    stmt = select(Producer).order_by(Producer.name_nb)
    scope = writable_producer_ids(actor)
    if scope is not None:
        stmt = stmt.where(Producer.id.in_(scope))
    return [SelectChoice(p.slug, pick(p.name_nb, p.name_en)) for p in db.scalars(stmt)]


@bilingual(
    "/min-side/kodelister",
    "/en/my-page/code-lists",
    methods=("GET", "POST"),
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def my_code_lists() -> Response:
    actor, db = signed_in_actor(), get_session()
    form = CodeListForm()
    form.producer.choices = _producer_choices(db, actor)
    form.kind.choices = kind_choices()
    outcome = submit(
        form,
        lambda: editing.create(
            db,
            actor,
            producer_slug=form.producer.data,
            kind=form.kind.data,
            name_nb=form.name_nb.data,
            name_en=form.name_en.data,
            description_nb=form.description_nb.data or "",
            description_en=form.description_en.data or "",
            now=now(),
        ),
    )
    if outcome.value is not None:
        return see_other("metadata.manage_code_list", classification_id=outcome.value.id)
    return outcome.render(
        "metadata/codelists_mine.html", form, code_lists=editing.list_own(db, actor)
    )


def _render_manage(
    classification_id: int, status: int = 200, unplaced: list[str] | None = None, **forms: Any
) -> Response:
    db = get_session()
    found, _ = editing.authorize(db, signed_in_actor(), classification_id)
    ordered = sorted(found.versions, key=lambda v: v.valid_from)
    previews = {}
    for older, newer in zip(ordered, ordered[1:], strict=False):
        if not newer.published:
            previews[newer.id] = (
                older.id,
                editing.compare(db, signed_in_actor(), found.id, newer.id, older.id),
            )
    drafts = [SelectChoice(str(v.id), _label(v)) for v in ordered if not v.published]
    every = [SelectChoice(str(v.id), _label(v)) for v in ordered]
    item_form = forms.get("item") or ItemForm(prefix="i")
    variant_form = forms.get("variant") or VariantForm(prefix="var")
    table_form = forms.get("table") or TableForm(prefix="t")
    saved = _saved_version(ordered)
    item_form.version.choices = drafts
    variant_form.version.choices = table_form.version.choices = every
    return render_page(
        "metadata/codelist_manage.html",
        status=status,
        unplaced=unplaced or [],
        problem_forms=list(forms.values()),
        classification=found,
        versions=ordered,
        previews=previews,
        variants=[x for v in ordered for x in v.variants],
        tables=editing.tables_from(db, found),
        version_form=forms.get("version") or VersionUploadForm(prefix="v"),
        item_form=item_form,
        variant_form=variant_form,
        table_form=table_form,
        has_drafts=bool(drafts),
        saved=saved,
    )


@dataclass(frozen=True)
class SavedVersion:
    """The confirmation after a version was saved or published: what happened, and from which day the
    version is valid (the day its codes show on the public page)."""

    message: str
    link: str
    link_text: str


def _saved_version(versions: list[ClassificationVersion]) -> SavedVersion | None:
    done, raw = request.args.get("done"), request.args.get("versjon", "")
    if done not in {"version", "publish"} or not raw.isdigit() or len(raw) > 12:
        return None
    version = next((v for v in versions if v.id == int(raw)), None)
    if version is None:
        return None
    day = long_date(version.valid_from)
    if not version.published:
        return SavedVersion(
            translate("cl.saved_draft", day=day),
            f"#version-{version.id}",
            translate("cl.saved_draft_link"),
        )
    public = url_for(
        "metadata.classification",
        classification_id=version.classification_id,
        dato=version.valid_from.isoformat(),
    )
    key = "cl.published_ahead" if version.valid_from > now().date() else "cl.published_now"
    return SavedVersion(translate(key, day=day), public, translate("cl.public_link", day=day))


def _label(version: ClassificationVersion) -> str:
    end = version.valid_to.isoformat() if version.valid_to else "…"
    return f"{version.id}: {version.valid_from.isoformat()} – {end}"


@bilingual(
    "/min-side/kodelister/<int:classification_id>",
    "/en/my-page/code-lists/<int:classification_id>",
    no_twin_because=PRIVATE,
    blueprint=bp,
)
@login_required
def manage_code_list(classification_id: int) -> Response:
    return _render_manage(classification_id)


_page = ActionPage(
    blueprint=bp,
    path_nb="/min-side/kodelister/<int:classification_id>",
    path_en="/en/my-page/code-lists/<int:classification_id>",
    page_endpoint="metadata.manage_code_list",
    id_arg="classification_id",
    render=_render_manage,
)
_action, _action_route, _act = _page.action, _page.route, _page.run


def _int(raw: object) -> int:
    try:
        return int(str(raw))
    except ValueError:
        return -1


def _upload(db: Session, actor: Actor, classification_id: int, f: Any) -> tuple[bytes, str]:
    """The form's file and its media type, read only once ``actor`` may change the list."""
    editing.authorize(db, actor, classification_id)
    return f.file.data.read(), _kind(f.file.data.filename or "")


def _at_the_file(write: Callable[[], T], *, reads_the_file: bool = False) -> T:
    """Run ``write``; a refusal that lists a file's problems by line shows them at the form's file
    field (each names its line) and its count ("2 feil; ingenting ble lagret.") at the top of the
    error summary. When ``write`` only reads the file, a refusal naming no line (not UTF-8, not CSV
    or JSON, no codes) is about the file too, and shows there."""
    try:
        return write()
    except BadRequest as refusal:
        if reads_the_file and not refusal.errors:
            refusal.errors = (FieldError("/file", refusal.detail, refusal.key, refusal.values),)
            raise
        if not any(e.pointer.startswith("line ") for e in refusal.errors):
            raise
        count = FieldError("", refusal.detail, refusal.key, refusal.values)
        refusal.errors = (
            count,
            *(
                replace(e, pointer="/file") if e.pointer.startswith("line ") else e
                for e in refusal.errors
            ),
        )
        raise


def _naming_version(response: Response, version_id: int | None) -> Response:
    """The page a save sends the browser to, told which version was saved (for its confirmation)."""
    location = response.headers.get("Location")
    if response.status_code == 303 and location and version_id is not None:
        response.headers["Location"] = (
            f"{location}{'&' if '?' in location else '?'}versjon={version_id}"
        )
    return response


@_action_route("ny-versjon", "new-version")
@login_required
def upload_version(classification_id: int) -> Response:
    made: list[int] = []

    def add(db: Session, actor: Actor, list_id: int, f: Any, at: datetime) -> object:
        items = _at_the_file(
            lambda: editing.parse_items(*_upload(db, actor, list_id, f)), reads_the_file=True
        )
        version = editing.add_version(
            db,
            actor,
            list_id,
            valid_from=f.valid_from.data,
            valid_to=f.valid_to.data,
            items=items,
            now=at,
        )
        made.append(version.id)
        return version

    done = _act(classification_id, "version", VersionUploadForm(prefix="v"), add)
    return _naming_version(done, made[0] if made else None)


@_action("item", "kode", "code", lambda: ItemForm(prefix="i"))
def save_item(db: Session, actor: Actor, list_id: int, f: Any, at: datetime) -> object:
    code, version_id = f.code.data.strip(), _int(f.version.data)
    # The form edits names, parent and level; what it does not show (short name, notes, the item's
    # own validity, as imported) stays as it was.
    found, _ = editing.authorize(db, actor, list_id)
    kept = next((i for i in editing.version_of(found, version_id).items if i.code == code), None)
    item = ItemIn(
        code=code,
        name_nb=f.name_nb.data.strip(),
        parent_code=(f.parent_code.data or "").strip() or None,
        level=int(f.level.data),
        name_en=(f.name_en.data or "").strip(),
        name_nn=kept.name_nn if kept else "",
        short_name_nb=kept.short_name_nb if kept else "",
        notes_nb=kept.notes_nb if kept else "",
        valid_from=kept.valid_from if kept else None,
        valid_to=kept.valid_to if kept else None,
    )
    return editing.put_item(db, actor, list_id, version_id, item, at)


@_action("variant", "variant", "variant", lambda: VariantForm(prefix="var"))
def add_variant(db: Session, actor: Actor, list_id: int, f: Any, at: datetime) -> object:
    items = _at_the_file(
        lambda: editing.parse_items(*_upload(db, actor, list_id, f), check=False),
        reads_the_file=True,
    )
    return _at_the_file(
        lambda: variants.define(
            db,
            actor,
            list_id,
            _int(f.version.data),
            name_nb=f.name_nb.data.strip(),
            name_en=(f.name_en.data or "").strip(),
            valid_from=f.valid_from.data,
            valid_to=f.valid_to.data,
            items=items,
            now=at,
        )
    )


@_action("table", "korrespondanse", "correspondence", lambda: TableForm(prefix="t"))
def add_table(db: Session, actor: Actor, list_id: int, f: Any, at: datetime) -> object:
    read = _at_the_file(
        lambda: correspondence.parse_maps(*_upload(db, actor, list_id, f)), reads_the_file=True
    )
    try:
        return _at_the_file(
            lambda: correspondence.define(
                db,
                actor,
                list_id,
                _int(f.version.data),
                target_version_id=int(f.target_version.data),
                pairs=read.pairs,
                description_nb=f.description.data or read.description,
                now=at,
                source_level=read.source_level,
                target_level=read.target_level,
            )
        )
    except NotFound as missing:
        # The version typed in the form is not there: the form's fault, told at its field (the
        # API answers 404 for it, as for any unknown object in its address or query).
        if missing.key != "cl.refuse.no_target":
            raise
        typed = FieldError("/target_version", missing.detail, missing.key, missing.values)
        raise BadRequest("", (typed,)).said(missing.key, **missing.values) from None


#: What the publish button publishes, by its ``what``.
PUBLISHERS: dict[str, Callable[[Session, Actor, int, int, datetime], object]] = {
    "version": editing.publish,
    "variant": variants.publish,
    "table": correspondence.publish,
}


@_action_route("publiser", "publish")
@login_required
def publish_draft(classification_id: int) -> Response:
    """One button per draft: ``what`` is version, variant or table, ``id`` which one."""
    publish, target = PUBLISHERS.get(request.form.get("what", "")), _int(request.form.get("id"))
    if publish is None:
        raise BadRequest("").said("cl.error.what")
    done = _act(
        classification_id,
        "publish",
        ButtonForm(),
        lambda db, actor, list_id, f, at: publish(db, actor, list_id, target, at),
    )
    return _naming_version(done, target if request.form.get("what") == "version" else None)
