"""Bilingual routes and the JSON twin of every page.

Each page is one view registered under a Norwegian and an English path; the language is a route default,
so ``url_for`` picks the right path from ``lang``. A page names its JSON twin (an ``/api/v1`` endpoint
built from the same service call) or opts out with a reason; a test walks the URL map to enforce it.
Every domain makes its page blueprint with :func:`page_blueprint`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    make_response,
    render_template,
    request,
    url_for,
)

View = Callable[..., Any]


def _drop_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values:
        values.pop("lang", None)


def _keep_lang(endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("lang", g.get("lang", "nb"))


def page_blueprint(name: str, import_name: str, template_folder: str | None = None) -> Blueprint:
    """A blueprint for bilingual pages: ``lang`` comes from the route and is kept when building URLs.
    A domain keeps its page templates beside its code (``template_folder="templates"``, holding
    ``templates/<domain>/<page>.html``); the base layout and the shell's pages are the app's."""
    blueprint = Blueprint(name, import_name, template_folder=template_folder)
    blueprint.url_value_preprocessor(_drop_lang)
    blueprint.url_defaults(_keep_lang)
    return blueprint


bp = page_blueprint("web", __name__)


def bilingual(
    nb: str,
    en: str,
    *,
    methods: tuple[str, ...] = ("GET",),
    twin: str | None = None,
    no_twin_because: str | None = None,
    blueprint: Blueprint = bp,
) -> Callable[[View], View]:
    """Register a view at its nb and en paths, naming its JSON twin endpoint or why it has none."""
    if (twin is None) == (no_twin_because is None):
        raise ValueError("a page names either its JSON twin or the reason it has none")

    def decorator(view: View) -> View:
        view.json_twin = twin  # type: ignore[attr-defined]
        view.no_twin_because = no_twin_because  # type: ignore[attr-defined]
        blueprint.add_url_rule(nb, view_func=view, defaults={"lang": "nb"}, methods=list(methods))
        blueprint.add_url_rule(en, view_func=view, defaults={"lang": "en"}, methods=list(methods))
        return view

    return decorator


def other_language_url() -> str | None:
    """This page's address in the other language, for the language switch and hreflang."""
    endpoint = request.endpoint
    if endpoint is None or endpoint not in current_app.view_functions:
        return None
    view = current_app.view_functions[endpoint]
    if not hasattr(view, "json_twin"):
        return None
    other = "en" if g.get("lang") == "nb" else "nb"
    args = dict(request.view_args or {})
    args.update(request.args.to_dict())
    # A stray ?lang= in the query must not fight the route's own language.
    args["lang"] = other
    return url_for(endpoint, **args)


def render_page(
    template: str, *, twin_url: str | None = None, status: int = 200, **context: Any
) -> Response:
    """Render a page; with ``twin_url``, point to its JSON form in a ``<link>`` and a ``Link`` header."""
    html = render_template(template, alternate_json=twin_url, **context)
    response = make_response(html, status)
    if twin_url:
        response.headers["Link"] = f'<{twin_url}>; rel="alternate"; type="application/json"'
    return response
