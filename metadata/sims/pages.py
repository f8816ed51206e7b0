"""Public "Om statistikken" pages: the documentation in Statistics Norway's section order, its versions
and what changed between two of them."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from metadata.blueprint import bp
from metadata.sims import scheme, service
from metadata.sims.api import diff_args
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import bilingual, render_page


def _common(slug: str) -> dict[str, Any]:
    db, moment = get_session(), now()
    return {
        "last_updated": service.last_updated(db, slug, moment),
        "next_update": service.next_update(db, slug, moment),
        "versions": service.list_versions(db, slug, moment),
        "sections": scheme.sections(),
        "concepts": scheme.by_code(),
    }


@bilingual(
    "/statistikk/<slug>/om-statistikken",
    "/en/statistics/<slug>/about",
    twin="documentation_api.get_documentation",
    blueprint=bp,
)
def about(slug: str) -> Response:
    number = request.args.get("versjon") or request.args.get("version")
    record = service.published(
        get_session(),
        slug,
        now(),
        int(number) if number and number.isascii() and number.isdigit() else None,
    )
    return render_page(
        "metadata/about.html",
        twin_url=url_for("documentation_api.get_documentation", slug=slug),
        record=record,
        completeness=service.completeness(record.entries),
        **_common(slug),
    )


@bilingual(
    "/statistikk/<slug>/om-statistikken/endringer",
    "/en/statistics/<slug>/about/changes",
    twin="documentation_api.get_diff",
    blueprint=bp,
)
def changes(slug: str) -> Response:
    versions = service.list_versions(get_session(), slug, now())
    chosen = None
    if request.args.get("from") and request.args.get("to"):
        first, second = diff_args()
        db, moment = get_session(), now()
        before = service.published(db, slug, moment, first).entries
        after = service.published(db, slug, moment, second).entries
        chosen = (first, second, service.diff(before, after))
    record = service.published(get_session(), slug, now())
    twin = url_for("documentation_api.list_versions", slug=slug)
    if chosen:
        pair: dict[str, Any] = {"from": chosen[0], "to": chosen[1]}
        twin = url_for("documentation_api.get_diff", slug=slug, **pair)
    return render_page(
        "metadata/changes.html",
        twin_url=twin,
        record=record,
        versions=versions,
        chosen=chosen,
        concepts=scheme.by_code(),
    )
