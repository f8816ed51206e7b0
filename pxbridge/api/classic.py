"""/api/v0/{lang}/table/{id}: the classic PxWeb API as Statistics Norway serves it (data.ssb.no/api/v0),
so scripts written against it keep working: metadata by GET, data by POST with the classic query body,
``?config``, and its error shape ``{"error": "..."}`` (PxWeb's classic API, as PxWeb 2023 and earlier serve it). The query's
filters: ``item``, ``all``, ``top``, ``vs:ID`` (a valueset), and an aggregation as PxWeb applies it:
``agg:ID`` (its groups, summed), ``agg_single:ID`` (its groups' members, the table's own cells) and
``agg_all:ID`` (each group, then its members)."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Flask, Response, current_app, request

from portal.http.db import get_session
from portal.http.edge import not_modified
from portal.http.errors import register_error_shape
from portal.http.instant import now
from portal.http.security import csrf, limit_blueprint, limit_window
from portal.kernel.errors import PortalError
from pxbridge import codelists, service
from pxbridge.api.etags import table_etag
from pxbridge.blueprint import get_store
from pxbridge.codelists import Applied
from pxbridge.formats import jsonstat
from pxbridge.formats.output import render
from pxbridge.models import DataTable
from pxbridge.query.cubes import table_cells, table_symbols
from pxbridge.query.extract import (
    answer_language,
    build_cube,
    dimension,
    held_languages,
    label,
    table_languages,
    translated,
)
from pxbridge.query.selection import Selection, VariableLike, evaluate, lookup

bp = Blueprint("pxweb_classic", __name__, url_prefix="/api/v0")

LANGUAGES = {"no": "nb", "nb": "nb", "en": "en"}
# Classic format names -> the v2 formats that write them.
FORMATS = {
    "px": "px",
    "csv": "csv",
    "csv2": "csv",
    "csv3": "csv",
    "json": "json-px",
    "json-stat": "json-stat",
    "json-stat2": "json-stat2",
    "xlsx": "xlsx",
    "html": "html",
}


def _fail(status: int, message: str) -> PortalError:
    return PortalError(status=status, title=message, detail=message)


def _lang(raw: str, table: DataTable | None = None) -> str:
    """The portal language of the path's language segment: one of the portal's, or for a request about
    ``table`` one of the languages the table has (``/api/v0/sv/table/…``; issue 21)."""
    if raw.lower() in LANGUAGES:
        return LANGUAGES[raw.lower()]
    if table is not None and raw.lower() in held_languages(table):
        return raw.lower()
    raise _fail(404, "Parameter error")


def _config() -> Response:
    calls, window = limit_window("pxapi")
    return _json(
        {
            "maxValues": 1000,
            "maxCells": current_app.config["PXAPI_MAX_CELLS"],
            "maxCalls": calls,
            "timeWindow": window,
            "CORS": True,
        }
    )


@bp.get("/<lang>")
def databases(lang: str) -> Response:
    _lang(lang)
    if "config" in request.args:
        return _config()
    return _json([{"dbid": "table", "text": "Statistikkportalen"}])


@bp.get("/<lang>/table")
def tables(lang: str) -> Response:
    portal_lang = _lang(lang)
    if "config" in request.args:
        return _config()
    rows, _ = service.list_tables(get_session(), now(), page_size=100_000)
    return _json(
        [
            {
                "id": t.id,
                "type": "t",
                "text": label(t, "title", portal_lang),
                "updated": (t.updated or t.updated_at).strftime("%Y-%m-%dT%H:%M:%S"),
            }
            for t in rows
        ]
    )


@bp.get("/<lang>/table/<table_id>")
def metadata(lang: str, table_id: str) -> Response:
    if "config" in request.args:
        _lang(lang)
        return _config()
    table = _table(table_id)
    # A language the table lacks is answered in its own, and Content-Language says which (issue 21).
    portal_lang = answer_language(table, _lang(lang, table))
    tag = table_etag(get_session(), table, answer="v0:metadata", lang=portal_lang, selection=None)
    if (unchanged := not_modified(tag)) is not None:
        return unchanged
    own = table_languages(table)[0]
    variables = []
    for v in table.variables:
        shown = dimension(v, None, portal_lang, own)
        entry: dict[str, Any] = {
            "code": v.code,
            "text": shown.label,
            "values": v.codes,
            "valueTexts": list(shown.labels),
        }
        if v.elimination:
            entry["elimination"] = True
        if v.role == "time":
            entry["time"] = True
        variables.append(entry)
    response = _json({"title": label(table, "title", portal_lang), "variables": variables})
    response.headers["Content-Language"] = portal_lang
    response.headers["ETag"] = tag
    return response


def _table(table_id: str) -> DataTable:
    try:
        return service.get_table(get_session(), table_id, now())
    except PortalError:
        raise _fail(404, "Parameter error") from None


# Filters naming a code list: its prefix, and what an aggregation offers (PxWeb's QueryHelper.
# TryParseAggregationAndType: GroupingIncludesType AggregatedValues, SingleValues, All).
_CODELIST_FILTERS = {
    "vs": ("vs_", codelists.AGGREGATED),
    "agg": ("agg_", codelists.AGGREGATED),
    "agg_single": ("agg_", codelists.SINGLE),
    "agg_all": ("agg_", codelists.ALL),
}


def _codelists(table: DataTable, query: list[Any]) -> dict[int, Applied]:
    """The code lists the query's ``vs:ID``, ``agg:ID``, ``agg_single:ID`` and ``agg_all:ID`` filters
    name (ID with or without its ``vs_``/``agg_`` prefix), by variable position. Raises 400 for one the
    variable does not have (a valueset named by an ``agg…`` filter included)."""
    wanted: dict[str, str] = {}
    include: dict[str, str] = {}
    for item in query:
        if not isinstance(item, dict) or not isinstance(item.get("selection") or {}, dict):
            raise _fail(400, "Parameter error")
        kind, _, name = str((item.get("selection") or {}).get("filter", "item")).partition(":")
        known = _CODELIST_FILTERS.get(kind.lower())
        if known and name and isinstance(item.get("code"), str):
            prefix, include[item["code"]] = known
            wanted[item["code"]] = name if name.lower().startswith(prefix) else prefix + name
    if not wanted:
        return {}
    available = codelists.of_table(get_session(), table)
    for code, codelist_id in wanted.items():
        variable = next((v for v in table.variables if v.code == code), None)
        on = [c.id for c in codelists.for_variable(available, variable)] if variable else []
        if codelist_id not in on:
            raise _fail(
                400, f"The request for variable '{code}' has an error. Please check your query."
            )
    return codelists.choose(table.variables, available, wanted, include)


def _selection(table: DataTable, query: list[Any]) -> tuple[Selection, dict[int, Applied]]:
    """The classic query as a selection: variables left out are all values if mandatory, eliminated
    otherwise (unlike v2, which refuses a missing mandatory variable). A ``vs:ID``, ``agg:ID``,
    ``agg_single:ID`` or ``agg_all:ID`` filter applies that code list, its values then item codes of
    the values it offers, output in their order."""
    applied = _codelists(table, query)
    variables: list[VariableLike] = codelists.variables_with(table.variables, applied)
    by_code = {v.code: i for i, v in enumerate(variables)}
    picks: list[tuple[int, ...] | None] = [
        None if v.elimination else tuple(range(len(v.codes))) for v in variables
    ]
    for item in query:
        if not isinstance(item, dict) or item.get("code") not in by_code:
            raise _fail(400, "Parameter error")
        index = by_code[item["code"]]
        variable = variables[index]
        chosen = item.get("selection") or {}
        kind = str(chosen.get("filter", "item")).lower()
        if index in applied:
            # vs:ID / agg:ID / agg_single:ID / agg_all:ID: item codes of the values the code list
            # offers (groups, members or both), picked in the code list's order.
            kind = "item"
        values = chosen.get("values") or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _fail(
                400,
                f"The request for variable '{variable.code}' has an error. Please check your query.",
            )
        positions: list[int] = []
        try:
            if kind == "item":
                positions = [variable.codes.index(v) for v in values]
            elif kind == "all":
                if not all(v == "*" or v.startswith("*") or v.endswith("*") for v in values):
                    raise ValueError
                found = lookup(variable)
                positions = [p for v in values for p in evaluate(variable, v, found)]
            elif kind == "top":
                if len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
                    raise ValueError
                positions = evaluate(variable, f"top({int(values[0])})")
            else:
                raise ValueError
        except (ValueError, PortalError):
            raise _fail(
                400,
                f"The request for variable '{variable.code}' has an error. Please check your query.",
            ) from None
        picks[index] = tuple(sorted(set(positions))) or None
    selection = Selection(tuple(picks))
    if selection.cells > current_app.config["PXAPI_MAX_CELLS"]:
        raise _fail(403, "Too many values selected")
    return selection, applied


@bp.post("/<lang>/table/<table_id>")
def data(lang: str, table_id: str) -> Response:
    table = _table(table_id)
    portal_lang = _lang(lang, table)
    try:
        body = orjson.loads(request.get_data(cache=False) or b"{}")
    except orjson.JSONDecodeError:
        raise _fail(400, "Parameter error") from None
    if not isinstance(body, dict) or not isinstance(body.get("query", []), list):
        raise _fail(400, "Parameter error")
    response = body.get("response") or {}
    name = str(response.get("format", "px")).lower() if isinstance(response, dict) else ""
    if name not in FORMATS:
        raise _fail(400, "Parameter error")
    selection, applied = _selection(table, body.get("query", []))
    tag = table_etag(
        get_session(), table, answer=f"v0:{name}", lang=portal_lang, selection=body.get("query")
    )
    if (unchanged := not_modified(tag)) is not None:
        return unchanged
    answer = _data(table, selection, applied, portal_lang, name)
    answer.headers["ETag"] = tag
    return answer


def _data(
    table: DataTable, selection: Selection, applied: dict[int, Applied], portal_lang: str, name: str
) -> Response:
    """The selected cells of ``table`` in the classic format ``name``."""
    store = get_store()
    stored, nan_at = table_cells(store, table), table_symbols(store, table)
    cube = build_cube(table, stored, selection, portal_lang, applied=applied, nan_at=nan_at)
    if FORMATS[name] == "json-stat":
        response = _json(_jsonstat1(cube))
        response.headers["Content-Language"] = cube.language
        return response
    if FORMATS[name] == "px":
        cube = translated(table, cube)
    try:
        return render(cube, FORMATS[name], [])
    except PortalError:
        raise _fail(400, "Parameter error") from None


def _jsonstat1(cube: Any) -> dict[str, Any]:
    """JSON-stat 1.x: one dataset in a bundle, ``id``/``size``/``role`` inside ``dimension``."""
    body = orjson.loads(jsonstat.render(cube))
    dimension = body["dimension"]
    dimension["id"], dimension["size"] = body["id"], body["size"]
    if "role" in body:
        dimension["role"] = body["role"]
    dataset = {
        "dimension": dimension,
        "label": body.get("label", ""),
        "source": body.get("source", ""),
        "updated": body.get("updated", ""),
        "value": body["value"],
    }
    if "status" in body:
        dataset["status"] = body["status"]
    return {"dataset": dataset}


def _json(payload: object) -> Response:
    return Response(orjson.dumps(payload), content_type="application/json; charset=utf-8")


def _error(error: PortalError) -> Response:
    """PxWeb's own error shape for every answer under /api/v0/ (unmatched routes included); a rate
    limit keeps PxWeb's wording (and, through the app's handler, its Retry-After)."""
    message = (
        error.detail
        if error.status != 429
        else ("429 - Too many requests in too short timeframe. Please try again later.")
    )
    response = _json({"error": message})
    response.status_code = error.status
    return response


def init_app(app: Flask) -> None:
    register_error_shape("/api/v0/", _error)
    csrf.exempt(bp)
    # The "pxapi" counter is the one PxWebApi 2.0 draws on.
    limit_blueprint(app, bp, "pxapi")
    app.register_blueprint(bp)
