"""The table page's "tell me when these numbers change" (issue 22): the page's selection saved as a
PxWebApi saved query (``pxbridge.saved_queries``), then the alert form for it (``savedquery:<id>``), so a
subscriber is told the cells a release revises, with the old and the new value."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, redirect, request, url_for

from portal.http.db import get_session
from portal.http.forms import ButtonForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.i18n import current_language
from pxbridge import service
from pxbridge.blueprint import bp, max_cells
from pxbridge.models import DataTable
from pxbridge.pages.views import _asked, _periods_chosen, _placement, _selection_args
from pxbridge.query.extract import answer_language, label
from pxbridge.saved_queries import save_query


@bilingual(
    "/tabeller/<table_id>/varsle",
    "/en/tables/<table_id>/alert",
    methods=("GET", "POST"),
    no_twin_because="saves the page's selection and leads to the alert form; programs POST "
    "/api/pxwebapi/v2/savedqueries",
    blueprint=bp,
)
def alert_on_selection(table_id: str) -> Response:
    """GET: what will be saved, and a button (the table page itself carries no form token, so it stays
    the same for everyone and cacheable). POST: save the selection the address carries and go on to
    subscribing to its revisions (303)."""
    db = get_session()
    table = service.get_table(db, table_id, now())
    _, lists, chosen = _asked(table)
    chosen = {**chosen, **_periods_chosen(table)}
    stub, heading = _placement(table, chosen)
    if request.method != "POST":
        return render_page(
            "tables/alert_selection.html",
            table=table,
            title=label(table, "title", current_language()),
            form=ButtonForm(),
            back=url_for("tables.table_page", table_id=table.id) + _query(),
            action=url_for("tables.alert_on_selection", table_id=table.id) + _query(),
        )
    saved = save_query(
        db,
        table,
        chosen,
        stub=stub,
        heading=heading,
        wanted={code: c.id for code, c in lists.items()},
        language=_saved_language(table),
        max_cells=max_cells(),
        now=now(),
    )
    db.commit()
    return redirect(url_for("alerts.subscribe", topic=f"savedquery:{saved.id}"), 303)  # type: ignore[return-value]


def _saved_language(table: DataTable) -> str:
    """The PxWebApi id of the language the page shows ``table`` in: the page's, or the table's own
    when it lacks that one (an English-only table on a Norwegian page), so the saved query answers
    in the labels the person saw (issue 21)."""
    shown = answer_language(table, "en" if current_language() == "en" else "nb")
    return "no" if shown == "nb" else shown


def _query() -> str:
    args = _selection_args()
    return f"?{urlencode(args)}" if args else ""
