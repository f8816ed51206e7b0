"""Public registry pages (nb and en): browse and search, a classification with its codes valid on a
chosen date as a collapsible hierarchy, the changes between versions, and downloads through the Klass API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, request, url_for

from metadata.blueprint import bp
from metadata.codelists import codes as pipeline
from metadata.codelists import service, variants
from metadata.codelists.klass_edge import version_name
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.errors import BadRequest, NotFound
from portal.kernel.i18n import current_language


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: str
    children: tuple[Node, ...]
    # In the page's language only: a code without notes in it shows none (not the Norwegian ones).
    notes: str = ""


def _tree(rows: list[pipeline.CodeRow]) -> list[Node]:
    by_parent: dict[str | None, list[pipeline.CodeRow]] = {}
    codes = {r.code for r in rows}
    for row in rows:
        parent = row.parent_code if row.parent_code in codes else None
        by_parent.setdefault(parent, []).append(row)

    def build(parent: str | None) -> tuple[Node, ...]:
        return tuple(
            Node(r.code, r.name, r.level, build(r.code), r.notes) for r in by_parent.get(parent, [])
        )

    return list(build(None))


@bilingual(
    "/klassifikasjoner", "/en/classifications", twin="klass.list_classifications", blueprint=bp
)
def registry() -> Response:
    lang = current_language()
    query = (request.args.get("q") or "").strip().lower()
    if len(query) > 200:
        raise BadRequest("").said("reg.error.query_long")
    found = [
        c
        for c in service.all_public(get_session())
        if not query
        or query
        in (
            service.text(c, "name", lang)
            + " "
            + c.name_nb
            + " "
            + service.text(c, "description", lang)
        ).lower()
    ]
    return render_page(
        "metadata/registry.html",
        twin_url=url_for("klass.list_classifications", includeCodelists="true"),
        classifications=found,
        query=query,
    )


@bilingual(
    "/klassifikasjoner/<int:classification_id>",
    "/en/classifications/<int:classification_id>",
    twin="klass.get_classification",
    blueprint=bp,
)
def classification(classification_id: int) -> Response:
    lang = current_language()
    db, today = get_session(), now().date()
    raw = request.args.get("dato") or request.args.get("date")
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        raise BadRequest("").said("reg.error.date") from None
    found = service.classification(db, classification_id)
    # A version published ahead of its first day is public already (Klass shows it with includeFuture);
    # the page shows its codes when that day is chosen, and offers every version's first day to choose.
    ahead = day > today
    chosen = service.public_versions(found, today, include_future=ahead)
    versions = sorted(
        service.public_versions(found, today, include_future=True), key=lambda v: v.valid_from
    )
    rows = pipeline.codes_in_range(
        service.version_rows(
            db, chosen, lang, today, ahead, day, date.fromordinal(day.toordinal() + 1)
        ),
        day,
        date.fromordinal(day.toordinal() + 1),
    )
    return render_page(
        "metadata/classification.html",
        twin_url=url_for("klass.get_classification", classification_id=classification_id),
        classification=found,
        versions=versions,
        today=today,
        day=day,
        tree=_tree(rows),
        statistics=service.statistics_using(db, classification_id),
        variants=[
            (v, variants.full_name(v, version_name(version, lang), lang))
            for version in chosen
            for v in version.variants
            if v.published
        ],
        count=len(rows),
        name=service.text(found, "name", lang) or found.name_nb,
        description=service.text(found, "description", lang) or found.description_nb,
    )


@bilingual(
    "/klassifikasjoner/<int:classification_id>/endringer",
    "/en/classifications/<int:classification_id>/changes",
    twin="klass.changes",
    blueprint=bp,
)
def classification_changes(classification_id: int) -> Response:
    lang = current_language()
    db, today = get_session(), now().date()
    found = service.classification(db, classification_id)
    versions = sorted(
        service.public_versions(found, today, include_future=False), key=lambda v: v.valid_from
    )
    pairs = []
    for older, newer in zip(versions, versions[1:], strict=False):
        tables = [
            t
            for t in service.tables_between(db, found, found)
            if t.source_version_id == older.id and t.target_version_id == newer.id
        ]
        old_names = {i.code: service.text(i, "name", lang) or i.name_nb for i in older.items}
        new_names = {i.code: service.text(i, "name", lang) or i.name_nb for i in newer.items}
        rows = [
            (
                m.source_code,
                old_names.get(m.source_code or ""),
                m.target_code,
                new_names.get(m.target_code or ""),
            )
            for t in tables
            for m in t.maps
        ]
        pairs.append((older, newer, rows))
    first: dict[str, Any] = {
        "from": versions[0].valid_from.isoformat() if versions else today.isoformat()
    }
    return render_page(
        "metadata/classification_changes.html",
        twin_url=url_for("klass.changes", classification_id=classification_id, **first),
        classification=found,
        pairs=pairs,
        name=service.text(found, "name", lang) or found.name_nb,
    )


@bilingual(
    "/klassifikasjoner/<int:classification_id>/varianter/<int:variant_id>",
    "/en/classifications/<int:classification_id>/variants/<int:variant_id>",
    twin="klass.get_variant",
    blueprint=bp,
)
def variant(classification_id: int, variant_id: int) -> Response:
    lang = current_language()
    found = variants.public_variant(get_session(), variant_id)
    if found.version.classification_id != classification_id:
        raise NotFound("").said("reg.error.no_variant")
    rows = pipeline.codes_in_range([variants.variant_rows(found, lang)], found.valid_from, None)
    return render_page(
        "metadata/variant.html",
        twin_url=url_for("klass.get_variant", variant_id=variant_id),
        classification=found.version.classification,
        name=variants.full_name(found, version_name(found.version, lang), lang),
        variant=found,
        tree=_tree(rows),
        count=len(rows),
    )
