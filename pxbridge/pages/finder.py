"""The table finder (issue 19): ``/tabeller`` and ``/en/tables`` list every public table of every producer,
browsable by subject area, producer and statistic, filterable by words and by how recently a table was
updated, sortable and paged, each with its id, title, the periods it covers, when it was updated and when
its statistic next publishes. A GET form, so it works without JavaScript and every view has a URL. Filters
it cannot read answer 400 with the page again, each problem at its field in the page's language; its JSON
twin is PxWebApi's table list."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.i18n import current_language, translate
from portal.programme import service as programme
from pxbridge import service
from pxbridge.blueprint import bp
from pxbridge.models import DataTable
from pxbridge.query.extract import answer_language, bare_title, label
from pxbridge.service import ORDERS, TableQuery

#: The "updated within" choices, in days ("" is any time).
UPDATED = ("", "7", "30", "365")
FILTERS = ("q", "producer", "subject_area", "statistic", "updated", "order")
MAX_TEXT = 200
MAX_PAGE = 10_000


def _read(
    args: dict[str, str], known: dict[str, set[str]]
) -> tuple[TableQuery, dict[str, list[str]]]:
    """The query the finder's arguments ask for, and what is wrong with them by field (message keys
    already translated); a wrong field is left out of the query."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, key: str) -> None:
        errors.setdefault(field, []).append(translate(key))

    text = args.get("q", "").strip()
    if len(text) > MAX_TEXT:
        refuse("q", "tabfind.too_long")
        text = ""
    chosen: dict[str, str | None] = {}
    for field in ("producer", "subject_area", "statistic"):
        value = args.get(field, "").strip()
        if value and value not in known[field]:
            refuse(field, f"tabfind.unknown_{field}")
            value = ""
        chosen[field] = value or None
    updated = args.get("updated", "")
    if updated not in UPDATED:
        refuse("updated", "tabfind.bad_updated")
        updated = ""
    order = args.get("order", "") or "id"
    if order not in ORDERS:
        refuse("order", "tabfind.bad_order")
        order = "id"
    page_text = args.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) <= MAX_PAGE else 0
    if not page:
        refuse("page", "tabfind.bad_page")
        page = 1
    return (
        TableQuery(
            text=text or None,
            producer=chosen["producer"],
            subject_area=chosen["subject_area"],
            statistic=chosen["statistic"],
            past_days=int(updated) if updated else None,
            order=order,
            lang=current_language(),
            page=page,
        ),
        errors,
    )


@bilingual("/tabeller", "/en/tables", twin="pxwebapi.list_tables", blueprint=bp)
def finder() -> Response:
    db, moment = get_session(), now()
    args = request.args.to_dict()
    producers = programme.list_producers(db)
    subject_areas = programme.list_subject_areas(db)
    statistics = sorted(
        programme.list_statistics(
            db, programme.StatisticQuery(per_page=programme.MAX_PER_PAGE)
        ).items,
        key=lambda s: (s.producer_short_name, s.name_nb),
    )
    known = {
        "producer": {p.slug for p in producers},
        "subject_area": {a.slug for a in subject_areas},
        "statistic": {s.slug for s in statistics},
    }
    query, errors = _read(args, known)
    tables, total = service.find_tables(db, query, moment)
    coming = service.next_releases(db, {t.statistic_id for t in tables}, moment)
    rows = [_row(t, query.lang) for t in tables]
    filters: dict[str, Any] = {
        k: v for k, v in args.items() if k in FILTERS and v and k not in errors
    }
    pages = max(1, -(-total // query.per_page))
    lang_id = "en" if current_language() == "en" else "no"
    return render_page(
        "tables/finder.html",
        status=400 if errors else 200,
        twin_url=url_for("pxwebapi.list_tables", lang=lang_id, query=query.text or None),
        rows=rows,
        total=total,
        page=query.page,
        pages=pages,
        coming=coming,
        query=query,
        filters=filters,
        errors=errors,
        producers=producers,
        subject_areas=subject_areas,
        statistics=statistics,
        updated_choices=UPDATED,
        orders=ORDERS,
    )


def _row(table: DataTable, lang: str) -> dict[str, Any]:
    """What the finder shows of a table: its title in the language the table answers ``lang`` in (its
    own when it lacks ``lang``, so the page can mark it), without the id many titles start with."""
    title = bare_title(table.id, label(table, "title", lang))
    return {"table": table, "title": title, "lang": answer_language(table, lang)}
