"""The programme's administration pages, for portal administrators: producers and subject areas (one
page pair each, from one :class:`Register`) and the statistics list with its retire buttons. The rules
live in portal.programme.admin; the guard and the shared constants in portal.web.admin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from wtforms import IntegerField, StringField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.http.actions import see_other, submit
from portal.http.auth import login_required
from portal.http.db import get_session
from portal.http.forms import ButtonForm, PortalForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.access import Actor
from portal.kernel.errors import NotFound
from portal.programme import admin as programme_admin
from portal.programme.models import Producer, Statistic, SubjectArea
from portal.programme.service import find_producer
from portal.web.admin import NO_FORM_FAULTS, NO_TWIN, require_admin

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class ProducerForm(PortalForm):
    slug = StringField(validators=[DataRequired(), Length(max=40), Regexp(SLUG_PATTERN)])
    short_name = StringField(validators=[DataRequired(), Length(max=40)])
    name_nb = StringField(validators=[DataRequired(), Length(max=200)])
    name_en = StringField(validators=[DataRequired(), Length(max=200)])
    website = URLField(validators=[DataRequired(), Length(max=300), Regexp(r"^https?://\S+$")])
    org_number = StringField(validators=[Optional(), Regexp(r"^\d{9}$")])


class SubjectAreaForm(PortalForm):
    slug = StringField(validators=[DataRequired(), Length(max=80), Regexp(SLUG_PATTERN)])
    name_nb = StringField(validators=[DataRequired(), Length(max=200)])
    name_en = StringField(validators=[DataRequired(), Length(max=200)])
    position = IntegerField(validators=[Optional(), NumberRange(min=1, max=10_000)])


# ------------------------------------------------------------------------ producers and subject areas


@dataclass(frozen=True)
class Register:
    """One register of the programme as administration pages, for portal administrators: a list with a
    form that creates an entry, and a page per entry (by slug) that edits it and retires or reinstates it.
    Producers and subject areas are both such registers; only what is named here differs. The entry's
    attributes carry the names of the form's fields."""

    list_paths: tuple[str, str]
    list_endpoint: str
    entry_endpoint: str
    list_template: str
    entry_template: str
    #: The templates' names for the entries and for one entry.
    plural: str
    noun: str
    form: Callable[[], Any]
    fields: Callable[[Any], object]
    entries: Callable[[Session], Sequence[object]]
    find: Callable[[Session, str], Any]
    create: Callable[..., object]
    update: Callable[[Session, Actor, str, Any, datetime], object]
    retire: Callable[[Session, Actor, str, bool, datetime], object]

    def register(self) -> None:
        """Add the list and entry pages (GET and POST) under their endpoint names."""
        nb, en = self.list_paths

        def create_page() -> Response:
            return self.list_page()

        def entry_page(slug: str) -> Response:
            return self.entry_page(slug)

        for view, endpoint, paths in (
            (create_page, self.list_endpoint, (nb, en)),
            (entry_page, self.entry_endpoint, (f"{nb}/<slug>", f"{en}/<slug>")),
        ):
            view.__name__ = view.__qualname__ = endpoint
            route = bilingual(*paths, methods=("GET", "POST"), no_twin_because=NO_TWIN)
            route(login_required(view))

    def list_page(self) -> Response:
        actor, db = require_admin(), get_session()
        form = self.form()
        outcome = submit(
            form,
            lambda: self.create(
                db, actor, slug=form.slug.data, fields=self.fields(form), now=now()
            ),
            not_the_forms_fault=NO_FORM_FAULTS,
        )
        if outcome.saved:
            return see_other(f"web.{self.entry_endpoint}", slug=form.slug.data, saved="1")
        context: dict[str, Any] = {self.plural: self.entries(db)}
        return outcome.render(self.list_template, form, **context)

    def entry_page(self, slug: str) -> Response:
        actor, db = require_admin(), get_session()
        entry = self.find(db, slug)
        if request.method == "POST" and "retire" in request.form:
            return self.retire_entry(slug)
        form = self.form()
        form.slug.data = entry.slug  # the slug is an address: it never changes
        if request.method == "GET":
            form.process(
                data={f.name: getattr(entry, f.name) for f in form if f.name != "csrf_token"}
            )
        outcome = submit(
            form,
            lambda: self.update(db, actor, slug, self.fields(form), now()),
            not_the_forms_fault=NO_FORM_FAULTS,
        )
        if outcome.saved:
            return see_other(f"web.{self.entry_endpoint}", slug=slug, saved="1")
        context: dict[str, Any] = {self.noun: entry}
        return outcome.render(
            self.entry_template,
            form,
            saved=request.args.get("saved") == "1",
            button_form=ButtonForm(),
            **context,
        )

    def retire_entry(self, slug: str) -> Response:
        """Retire (``retire=1``) or reinstate the entry, and go back to its page."""
        actor = require_admin()
        if not ButtonForm().validate_on_submit():
            return see_other(f"web.{self.entry_endpoint}", slug=slug)
        db = get_session()
        self.retire(db, actor, slug, request.form.get("retire") == "1", now())
        db.commit()
        return see_other(f"web.{self.entry_endpoint}", slug=slug, saved="1")


def _producer_fields(form: ProducerForm) -> programme_admin.ProducerFields:
    return programme_admin.ProducerFields(
        short_name=form.short_name.data,
        name_nb=form.name_nb.data,
        name_en=form.name_en.data,
        website=form.website.data,
        org_number=form.org_number.data or "",
    )


def _area_fields(form: SubjectAreaForm) -> programme_admin.SubjectAreaFields:
    return programme_admin.SubjectAreaFields(
        form.name_nb.data, form.name_en.data, form.position.data
    )


def _find_area(db: Session, slug: str) -> SubjectArea:
    """The subject area ``slug``, retired or not. Raises NotFound."""
    found = next((a for a in programme_admin.list_all_subject_areas(db) if a.slug == slug), None)
    if found is None:
        raise NotFound("").said("admin.no_subject_area")
    return found


PRODUCERS = Register(
    list_paths=("/min-side/admin/produsenter", "/en/my-page/admin/producers"),
    list_endpoint="producers",
    entry_endpoint="producer_admin",
    list_template="admin/producers.html",
    entry_template="admin/producer.html",
    plural="producers",
    noun="producer",
    form=ProducerForm,
    fields=_producer_fields,
    entries=programme_admin.list_all_producers,
    find=find_producer,
    create=programme_admin.create_producer,
    update=programme_admin.update_producer,
    retire=programme_admin.set_producer_retired,
)
SUBJECT_AREAS = Register(
    list_paths=("/min-side/admin/emneomrader", "/en/my-page/admin/subject-areas"),
    list_endpoint="subject_areas",
    entry_endpoint="subject_area_admin",
    list_template="admin/subject_areas.html",
    entry_template="admin/subject_area.html",
    plural="areas",
    noun="area",
    form=SubjectAreaForm,
    fields=_area_fields,
    entries=programme_admin.list_all_subject_areas,
    find=_find_area,
    create=programme_admin.create_subject_area,
    update=programme_admin.update_subject_area,
    retire=programme_admin.set_subject_area_retired,
)
PRODUCERS.register()
SUBJECT_AREAS.register()


# The producer page's retire button has posted to its own address since the page was made; the subject
# area's posts to the page itself. Both land in Register.retire_entry.
@bilingual(
    "/min-side/admin/produsenter/<slug>/status",
    "/en/my-page/admin/producers/<slug>/status",
    methods=("POST",),
    no_twin_because=NO_TWIN,
)
@login_required
def producer_status(slug: str) -> Response:
    return PRODUCERS.retire_entry(slug)


# --------------------------------------------------------------------------------------- statistics


@bilingual(
    "/min-side/admin/statistikker",
    "/en/my-page/admin/statistics",
    no_twin_because=NO_TWIN,
)
@login_required
def statistics_admin_list() -> Response:
    require_admin()
    db = get_session()
    producer = request.args.get("produsent") or request.args.get("producer") or ""
    stmt = (
        select(Statistic)
        .options(selectinload(Statistic.producer))
        .join(Producer)
        .order_by(Producer.short_name, Statistic.slug)
    )
    if producer:
        stmt = stmt.where(Producer.slug == producer)
    return render_page(
        "admin/statistics.html",
        statistics=list(db.scalars(stmt)),
        producers=programme_admin.list_all_producers(db),
        chosen=producer,
        button_form=ButtonForm(),
    )


@bilingual(
    "/min-side/admin/statistikker/<slug>/status",
    "/en/my-page/admin/statistics/<slug>/status",
    methods=("POST",),
    no_twin_because=NO_TWIN,
)
@login_required
def statistic_status(slug: str) -> Response:
    actor = require_admin()
    if ButtonForm().validate_on_submit():
        db = get_session()
        programme_admin.set_statistic_retired(
            db, actor, slug, request.form.get("retire") == "1", now()
        )
        db.commit()
    return see_other("web.statistics_admin_list")
