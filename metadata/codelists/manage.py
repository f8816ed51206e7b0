"""The producers' registry pages: create a code list, add a version from a file, change codes in a draft,
define variants and correspondence tables, see what a draft changes, publish. Every action goes through
the same services as the token API, so the same rules and scoping apply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from metadata.codelists import correspondence, editing, variants
from metadata.codelists.forms import (
    CodeListForm,
    ItemForm,
    TableForm,
    VariantForm,
    VersionUploadForm,
)
from metadata.codelists.importing import ItemIn
from metadata.codelists.models import ClassificationVersion
from metadata.views import bp
from portal.access import Actor, writable_producer_ids
from portal.auth import current_actor, login_required
from portal.db import get_session
from portal.errors import BadRequest, Conflict, PortalError
from portal.i18n import pick
from portal.instant import now
from portal.programme.models import Producer
from portal.web.forms import ButtonForm
from portal.web.routing import View, bilingual, render_page

PRIVATE = "private; producers' systems use /api/v1/code-lists"


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None, "login_required guarantees an actor"
    return actor


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
    actor, db = _actor(), get_session()
    form = CodeListForm()
    form.producer.choices = _producer_choices(db, actor)
    status, problem = 200, None
    if request.method == "POST":
        if form.validate():
            try:
                found = editing.create(
                    db,
                    actor,
                    producer_slug=form.producer.data,
                    kind=form.kind.data,
                    name_nb=form.name_nb.data,
                    name_en=form.name_en.data,
                    description_nb=form.description_nb.data or "",
                    description_en=form.description_en.data or "",
                    now=now(),
                )
                db.commit()
                return redirect(
                    url_for("metadata.manage_code_list", classification_id=found.id), 303
                )  # type: ignore[return-value]
            except PortalError as error:
                db.rollback()
                if error.status in (401, 403):
                    raise
                status, problem = error.status, error
        else:
            status = 400
    return render_page(
        "metadata/codelists_mine.html",
        status=status,
        form=form,
        problem=problem,
        code_lists=editing.list_own(db, actor),
    )


def _render_manage(
    classification_id: int, status: int = 200, problem: PortalError | None = None, **forms: Any
) -> Response:
    db = get_session()
    found, _ = editing.authorize(db, _actor(), classification_id)
    ordered = sorted(found.versions, key=lambda v: v.valid_from)
    previews = {}
    for older, newer in zip(ordered, ordered[1:], strict=False):
        if not newer.published:
            previews[newer.id] = (
                older.id,
                editing.compare(db, _actor(), found.id, newer.id, older.id),
            )
    drafts = [SelectChoice(str(v.id), _label(v)) for v in ordered if not v.published]
    every = [SelectChoice(str(v.id), _label(v)) for v in ordered]
    item_form = forms.get("item") or ItemForm(prefix="i")
    variant_form = forms.get("variant") or VariantForm(prefix="var")
    table_form = forms.get("table") or TableForm(prefix="t")
    item_form.version.choices = drafts
    variant_form.version.choices = table_form.version.choices = every
    return render_page(
        "metadata/codelist_manage.html",
        status=status,
        problem=problem,
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
    )


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


def _act(
    classification_id: int, name: str, form: Any, action: Callable[[Session, Any], object]
) -> Response:
    """Run one action from the manage page: 303 back on success, the page with errors otherwise."""
    if not form.validate():
        return _render_manage(classification_id, 400, None, **{name: form})
    db = get_session()
    try:
        action(db, form)
        db.commit()
    except PortalError as error:
        db.rollback()
        if error.status in (401, 403, 404):
            raise
        return _render_manage(
            classification_id, 409 if isinstance(error, Conflict) else 400, error, **{name: form}
        )
    return redirect(  # type: ignore[return-value]
        url_for("metadata.manage_code_list", classification_id=classification_id, done=name), 303
    )


def _action_route(nb: str, en: str) -> Callable[[View], View]:
    return bilingual(
        f"/min-side/kodelister/<int:classification_id>/{nb}",
        f"/en/my-page/code-lists/<int:classification_id>/{en}",
        methods=("POST",),
        no_twin_because="an action; the API has the same one",
        blueprint=bp,
    )


def _int(raw: object) -> int:
    try:
        return int(str(raw))
    except ValueError:
        return -1


@_action_route("ny-versjon", "new-version")
@login_required
def upload_version(classification_id: int) -> Response:
    def run(db: Session, f: Any) -> object:
        editing.authorize(db, _actor(), classification_id)
        items = editing.parse_items(f.file.data.read(), _kind(f.file.data.filename or ""))
        return editing.add_version(
            db,
            _actor(),
            classification_id,
            valid_from=f.valid_from.data,
            valid_to=f.valid_to.data,
            items=items,
            now=now(),
        )

    return _act(classification_id, "version", VersionUploadForm(prefix="v"), run)


@_action_route("kode", "code")
@login_required
def save_item(classification_id: int) -> Response:
    def run(db: Session, f: Any) -> object:
        return editing.put_item(
            db,
            _actor(),
            classification_id,
            _int(f.version.data),
            ItemIn(
                code=f.code.data.strip(),
                name_nb=f.name_nb.data.strip(),
                parent_code=(f.parent_code.data or "").strip() or None,
                level=int(f.level.data),
                name_en=(f.name_en.data or "").strip(),
            ),
            now(),
        )

    return _act(classification_id, "item", ItemForm(prefix="i"), run)


@_action_route("variant", "variant")
@login_required
def add_variant(classification_id: int) -> Response:
    def run(db: Session, f: Any) -> object:
        editing.authorize(db, _actor(), classification_id)
        items = editing.parse_items(
            f.file.data.read(), _kind(f.file.data.filename or ""), check=False
        )
        return variants.define(
            db,
            _actor(),
            classification_id,
            _int(f.version.data),
            name_nb=f.name_nb.data.strip(),
            name_en=(f.name_en.data or "").strip(),
            valid_from=f.valid_from.data,
            valid_to=f.valid_to.data,
            items=items,
            now=now(),
        )

    return _act(classification_id, "variant", VariantForm(prefix="var"), run)


@_action_route("korrespondanse", "correspondence")
@login_required
def add_table(classification_id: int) -> Response:
    def run(db: Session, f: Any) -> object:
        editing.authorize(db, _actor(), classification_id)
        pairs = correspondence.parse_maps(f.file.data.read(), _kind(f.file.data.filename or ""))
        return correspondence.define(
            db,
            _actor(),
            classification_id,
            _int(f.version.data),
            target_version_id=int(f.target_version.data),
            pairs=pairs,
            description_nb=f.description.data or "",
            now=now(),
        )

    return _act(classification_id, "table", TableForm(prefix="t"), run)


@_action_route("publiser", "publish")
@login_required
def publish_draft(classification_id: int) -> Response:
    """One button per draft: ``what`` is version, variant or table, ``id`` which one."""
    what, target = request.form.get("what", ""), _int(request.form.get("id"))
    actions: dict[str, Callable[[Session, Any], object]] = {
        "version": lambda db, f: editing.publish(db, _actor(), classification_id, target, now()),
        "variant": lambda db, f: variants.publish(db, _actor(), classification_id, target, now()),
        "table": lambda db, f: correspondence.publish(
            db, _actor(), classification_id, target, now()
        ),
    }
    if what not in actions:
        raise BadRequest("Choose what to publish.")
    return _act(classification_id, "publish", ButtonForm(), actions[what])
