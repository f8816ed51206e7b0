"""Bilingual routes and the JSON twin of every page.

Each page is one view registered under a Norwegian and an English path; the language is a route default,
so ``url_for`` picks the right path from ``lang``. A page names its JSON twin (an ``/api/v1`` endpoint
built from the same service call) or opts out with a reason; a test walks the URL map to enforce it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, make_response, render_template, request, url_for

bp = Blueprint("web", __name__)

View = Callable[..., Any]


def bilingual(
    nb: str,
    en: str,
    *,
    methods: tuple[str, ...] = ("GET",),
    twin: str | None = None,
    no_twin_because: str | None = None,
) -> Callable[[View], View]:
    """Register a view at its nb and en paths, naming its JSON twin endpoint or why it has none."""
    if (twin is None) == (no_twin_because is None):
        raise ValueError("a page names either its JSON twin or the reason it has none")

    def decorator(view: View) -> View:
        view.json_twin = twin  # type: ignore[attr-defined]
        view.no_twin_because = no_twin_because  # type: ignore[attr-defined]
        bp.add_url_rule(nb, view_func=view, defaults={"lang": "nb"}, methods=list(methods))
        bp.add_url_rule(en, view_func=view, defaults={"lang": "en"}, methods=list(methods))
        return view

    return decorator


@bp.url_value_preprocessor
def _drop_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values:
        values.pop("lang", None)


@bp.url_defaults
def _keep_lang(endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("lang", g.get("lang", "nb"))


def other_language_url() -> str | None:
    """This page's address in the other language, for the language switch and hreflang."""
    if request.endpoint is None or not request.endpoint.startswith("web."):
        return None
    other = "en" if g.get("lang") == "nb" else "nb"
    args = dict(request.view_args or {})
    args.update(request.args.to_dict())
    return url_for(request.endpoint, **args, lang=other)


def render_page(
    template: str, *, twin_url: str | None = None, status: int = 200, **context: Any
) -> Response:
    """Render a page; with ``twin_url``, point to its JSON form in a ``<link>`` and a ``Link`` header."""
    html = render_template(template, alternate_json=twin_url, **context)
    response = make_response(html, status)
    if twin_url:
        response.headers["Link"] = f'<{twin_url}>; rel="alternate"; type="application/json"'
    return response
