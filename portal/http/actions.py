"""Saving what a form asks for, the same way on every page: validate the form, run one service write in the
request's transaction and commit it, or roll it back and show the refusal beside the form (``submit``,
``save``).

On a producer's page of actions on one object (a release, a code list, ``ActionPage``) each action is a
small form posted to ``<page>/<action>``. On success the browser is sent back to the page (303,
``?done=<action>``); a refusal shows the page again with the refusal at the fields of the form that
caused it and in the error summary (409 for a conflict, 400 otherwise) and changes nothing. 401, 403 and 404 are not the form's fault there: they
go to the one error handler.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask import Blueprint, Response, redirect, request, url_for
from sqlalchemy.orm import Session

from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import View, bilingual, render_page
from portal.kernel.access import Actor
from portal.kernel.errors import Conflict, PortalError

T = TypeVar("T")

#: Refusals that are about who is asking, not about what the form holds: by default they go to the one
#: error handler (a page, 401 or 403) instead of beside the form.
WHO_IS_ASKING = frozenset({401, 403})


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What became of a form: ``status`` for the page (200 when nothing was posted or the write was saved,
    400 when the form did not validate, the refusal's own status), ``problem`` the refusal to show beside
    the form, ``value`` what the service returned when ``saved``."""

    status: int = 200
    problem: PortalError | None = None
    value: T | None = None
    saved: bool = False

    def render(self, template: str, form: Any, **context: Any) -> Response:
        """The form's page again: ``template`` with the form, this status, the refusal as ``problem``,
        its field errors placed at the form's fields and what names no field as ``unplaced`` (messages
        in the page's language, for the error summary)."""
        if "unplaced" not in context:
            problem = self.problem
            context["unplaced"] = place_refusal(form, problem) if problem is not None else []
        return render_page(template, status=self.status, form=form, problem=self.problem, **context)


def place_refusal(
    form: Any, problem: PortalError, fields: Mapping[str, str] | None = None
) -> list[str]:
    """Put each field error of a service's refusal at the form field its pointer names, in the page's
    language (``fields`` maps pointers to field names; by default ``/name`` names the field ``name``),
    and return the messages for the top of the page: the refusal's own message when none of its errors
    names a field of the form, and the errors that name none."""
    unplaced: list[str] = []
    placed = False
    for error in problem.errors:
        name = (fields or {}).get(error.pointer) or error.pointer.strip("/").split("/")[0]
        field = form._fields.get(name) if hasattr(form, "_fields") else None
        if field is None or field.type in {"CSRFTokenField", "HiddenField"}:
            unplaced.append(error.message())
            continue
        field.errors = [*field.errors, error.message()]
        placed = True
    if not placed:
        unplaced.insert(0, problem.message())
    return unplaced


def see_other(endpoint: str, **values: Any) -> Response:
    """Send the browser on to ``endpoint`` after a write (303: the next request is a GET)."""
    return redirect(url_for(endpoint, **values), 303)  # type: ignore[return-value]


def save(
    write: Callable[[], T], *, not_the_forms_fault: Collection[int] = WHO_IS_ASKING
) -> Outcome[T]:
    """Run ``write`` (one service call) and commit the request's session; on a PortalError roll back and
    return it as the outcome's problem. Refusals whose status is in ``not_the_forms_fault`` are raised
    again, after the rollback, for the one error handler."""
    db = get_session()
    try:
        value = write()
        db.commit()
    except PortalError as error:
        db.rollback()
        if error.status in not_the_forms_fault:
            raise
        return Outcome(error.status, error)
    return Outcome(value=value, saved=True)


def submit(
    form: Any, write: Callable[[], T], *, not_the_forms_fault: Collection[int] = WHO_IS_ASKING
) -> Outcome[T]:
    """On a POST, validate ``form`` (400 and nothing written when it does not) and ``save(write)``; on any
    other method nothing happens (200). ``write`` runs only after the form has validated."""
    if request.method != "POST":
        return Outcome()
    if not form.validate():
        return Outcome(400)
    return save(write, not_the_forms_fault=not_the_forms_fault)


#: What an action does with its validated form: (session, actor, object id, form, now) to the service.
Act = Callable[[Session, Actor, int, Any, datetime], object]


#: On a page of actions the object is in the address: an unknown one is the page's 404, not the form's.
ACTION_ERRORS = WHO_IS_ASKING | {404}


def _no_preparation(form: Any) -> None:
    return None


@dataclass(frozen=True)
class ActionPage:
    """The actions of one manage page. ``path_nb``/``path_en`` are the page's paths with the object id as
    ``<int:{id_arg}>``; ``render(object_id, status, unplaced, **forms)`` draws the page, ``unplaced``
    being the refusal's messages that name no field of the form (see ``place_refusal``);
    ``prepare(form)`` fills a form's choices before it is validated."""

    blueprint: Blueprint
    path_nb: str
    path_en: str
    page_endpoint: str
    id_arg: str
    render: Callable[..., Response]
    prepare: Callable[[Any], None] = _no_preparation
    #: Pointers of the service's refusals that name a field of another name (see ``place_refusal``).
    fields: Mapping[str, str] | None = None

    def run(self, object_id: int, name: str, form: Any, act: Act) -> Response:
        """Run the action ``name`` with ``form`` on the object ``object_id``."""
        self.prepare(form)
        if not form.validate():
            return self.render(object_id, 400, [], **{name: form})
        outcome = save(
            lambda: act(get_session(), signed_in_actor(), object_id, form, now()),
            not_the_forms_fault=ACTION_ERRORS,
        )
        if outcome.problem is not None:
            status = 409 if isinstance(outcome.problem, Conflict) else 400
            unplaced = place_refusal(form, outcome.problem, self.fields)
            return self.render(object_id, status, unplaced, **{name: form})
        values: dict[str, Any] = {self.id_arg: object_id, "done": name}
        return see_other(self.page_endpoint, **values)

    def route(self, nb: str, en: str) -> Callable[[View], View]:
        """The route of an action posted to ``<page>/<nb>`` (``<page>/<en>`` in English)."""
        return bilingual(
            f"{self.path_nb}/{nb}",
            f"{self.path_en}/{en}",
            methods=("POST",),
            no_twin_because="an action; the API has the same one",
            blueprint=self.blueprint,
        )

    def action(self, name: str, nb: str, en: str, form: Callable[[], Any]) -> Callable[[Act], View]:
        """Register ``act`` as the action ``name``, posted with ``form`` to …/<nb> and …/<en>; the view
        keeps ``act``'s name as its endpoint."""

        def register(act: Act) -> View:
            @login_required
            def view(**values: int) -> Response:
                return self.run(values[self.id_arg], name, form(), act)

            view.__name__ = view.__qualname__ = act.__name__
            return self.route(nb, en)(view)

        return register
