"""A producer's page of actions on one object (a release, a code list): each action is a small form posted
to ``<page>/<action>`` and run through one service call, in the request's transaction. On success the
browser is sent back to the page (303, ``?done=<action>``); a refusal shows the page again with the
refusal beside the form that caused it (409 for a conflict, 400 otherwise) and changes nothing. 401, 403
and 404 are not the form's fault: they go to the one error handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, redirect, url_for
from sqlalchemy.orm import Session

from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import View, bilingual
from portal.kernel.access import Actor
from portal.kernel.errors import Conflict, PortalError

#: What an action does with its validated form: (session, actor, object id, form, now) to the service.
Act = Callable[[Session, Actor, int, Any, datetime], object]


def _no_preparation(form: Any) -> None:
    return None


@dataclass(frozen=True)
class ActionPage:
    """The actions of one manage page. ``path_nb``/``path_en`` are the page's paths with the object id as
    ``<int:{id_arg}>``; ``render(object_id, status, problem, **forms)`` draws the page; ``prepare(form)``
    fills a form's choices before it is validated."""

    blueprint: Blueprint
    path_nb: str
    path_en: str
    page_endpoint: str
    id_arg: str
    render: Callable[..., Response]
    prepare: Callable[[Any], None] = _no_preparation

    def run(self, object_id: int, name: str, form: Any, act: Act) -> Response:
        """Run the action ``name`` with ``form`` on the object ``object_id``."""
        self.prepare(form)
        if not form.validate():
            return self.render(object_id, 400, None, **{name: form})
        db = get_session()
        try:
            act(db, signed_in_actor(), object_id, form, now())
            db.commit()
        except PortalError as error:
            db.rollback()
            if error.status in (401, 403, 404):
                raise
            status = 409 if isinstance(error, Conflict) else 400
            return self.render(object_id, status, error, **{name: form})
        values: dict[str, Any] = {self.id_arg: object_id, "done": name}
        target = url_for(self.page_endpoint, **values)
        return redirect(target, 303)  # type: ignore[return-value]

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
