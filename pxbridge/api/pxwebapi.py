"""/api/pxwebapi/v2/: every producer's tables through PxWebApi 2.0, so pxwebpy, pyjstat and the other
clients work unchanged (PxWebApi 2.0's specification, github.com/PxTools/PxApiSpecs). Upstream names, URL shapes and titles of problems are
kept on purpose (including "mandantory" and "placment"); query parameter names are matched in any case,
as the reference implementation does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import orjson
from flask import Blueprint, Flask, Response, current_app, request, url_for

from portal.http.db import get_session
from portal.http.edge import not_modified
from portal.http.errors import register_error_shape
from portal.http.instant import now
from portal.http.pagecache import shared
from portal.http.security import csrf, limit_blueprint, limit_window
from portal.kernel.errors import PortalError
from pxbridge import codelists, service
from pxbridge.api.bodies import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Parsed,
    parse_saved_query,
    parse_selection,
)
from pxbridge.api.etags import table_etag
from pxbridge.blueprint import cube_source, max_cells
from pxbridge.codelists import CodeList
from pxbridge.formats import jsonstat
from pxbridge.formats.output import FORMAT_NAMES, render
from pxbridge.models import DataTable, SavedQuery
from pxbridge.query.cubes import resolve_selection, select_cube
from pxbridge.query.extract import (
    answer_language,
    held_languages,
    label,
    metadata_cube,
    variable_label,
)
from pxbridge.query.selection import Selection, default_selection, problem, split_values
from pxbridge.saved_queries import save_query
from pxbridge.search import whole_files

bp = Blueprint("pxwebapi", __name__, url_prefix="/api/pxwebapi/v2")


def arg(name: str) -> str | None:
    """A query parameter by name in any case (``pageSize`` = ``pagesize``)."""
    lowered = name.lower()
    for key, value in request.args.items():
        if key.lower() == lowered:
            return value
    return None


def _language(default: str = DEFAULT_LANGUAGE, table: DataTable | None = None) -> tuple[str, str]:
    """(the id the caller used, the portal language): one of the portal's languages, or for a request
    about ``table`` one of the languages the table has (``lang=sv`` for a Swedish file; issue 21).
    Raises 400 "Unsupported language"."""
    raw = (arg("lang") or default).lower()
    if raw in LANGUAGES:
        return raw, LANGUAGES[raw]
    if table is not None and raw in held_languages(table):
        return raw, raw
    raise problem(400, "Unsupported language", "sel.language", language=raw)


def _lang_id(lang: str) -> str:
    """The PxWebApi id of a portal language: "no" for Norwegian, as PxWebApi names it."""
    return "no" if lang == "nb" else lang


def _output_format(name: str) -> str:
    """An output format by name in any case. Raises 400 "Unsupported output format"."""
    if name.lower() not in FORMAT_NAMES:
        raise problem(400, "Unsupported output format", "sel.output_format", format=name)
    return name.lower()


def _int_arg(name: str, default: int, minimum: int = 1) -> int:
    raw = arg(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise problem(400, "Parameter error", "sel.whole_number", name=name) from None
    return value if value >= minimum else default


def _link(rel: str, lang: str, endpoint: str, **values: Any) -> dict[str, str]:
    return {
        "rel": rel,
        "hreflang": lang,
        "href": url_for(endpoint, _external=True, lang=lang, **values),
    }


@bp.get("/config")
def config() -> Response:
    _language()
    calls, window = limit_window("pxapi")
    return _json(
        {
            "apiVersion": "2.0.0",
            "appVersion": "statistikkportalen-0.1",
            "languages": [{"id": "no", "label": "Norsk"}, {"id": "en", "label": "English"}],
            "defaultLanguage": DEFAULT_LANGUAGE,
            "maxDataCells": current_app.config["PXAPI_MAX_CELLS"],
            "maxCallsPerTimeWindow": calls,
            "timeWindow": window,
            "license": "https://data.norge.no/nlod/no/2.0",
            "sourceReferences": [
                {"language": "no", "text": "Kilde: Statistikkportalen"},
                {"language": "en", "text": "Source: Statistikkportalen"},
            ],
            "defaultDataFormat": "json-stat2",
            "dataFormats": list(FORMAT_NAMES),
            "features": [{"id": "CORS", "params": [{"key": "enabled", "value": "True"}]}],
        }
    )


def _updated(table: DataTable) -> str:
    moment = table.updated or table.updated_at
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _table_item(table: DataTable, lang_id: str, lang: str) -> dict[str, Any]:
    served = answer_language(table, lang)
    # PxWebApi's alternate links: one for each other language the table has (issue 21).
    others = [_lang_id(x) for x in held_languages(table) if x != served]
    statistic = table.statistic
    return {
        "type": "Table",
        "id": table.id,
        "label": label(table, "title", lang),
        "description": "",
        "updated": _updated(table),
        "firstPeriod": table.first_period,
        "lastPeriod": table.last_period,
        "category": "public",
        "variableNames": [variable_label(v, served) for v in table.variables],
        "discontinued": False,
        "source": label(table, "source", lang),
        "subjectCode": table.subject_code,
        "timeUnit": table.time_unit,
        "paths": [
            [
                {
                    "id": statistic.slug,
                    "label": (statistic.name_en if lang == "en" else "") or statistic.name_nb,
                }
            ]
        ],
        "links": [
            _link("self", lang_id, "pxwebapi.get_table", table_id=table.id),
            *(
                _link("alternate", other, "pxwebapi.get_table", table_id=table.id)
                for other in others
            ),
            _link("metadata", lang_id, "pxwebapi.metadata", table_id=table.id),
            {
                **_link("data", lang_id, "pxwebapi.data", table_id=table.id),
                "href": url_for(
                    "pxwebapi.data",
                    table_id=table.id,
                    lang=lang_id,
                    outputFormat="json-stat2",
                    _external=True,
                ),
            },
            # The whole table as files, one per format (issue 21; IANA's "enclosure": large).
            *(
                {
                    "rel": "enclosure",
                    "hreflang": lang_id,
                    "href": url_for(file.link.endpoint, **file.link.values, _external=True),
                }
                for file in whole_files(table)
            ),
        ],
    }


@bp.get("/tables")
@shared
def list_tables() -> Response:
    lang_id, lang = _language()
    page, size = _int_arg("pageNumber", 1), _int_arg("pageSize", 20)
    past = arg("pastDays")
    rows, total = service.list_tables(
        get_session(),
        now(),
        text=(arg("query") or "").strip() or None,
        past_days=_int_arg("pastDays", 0) or None if past else None,
        page=page,
        page_size=size,
    )
    pages = max(1, -(-total // size))
    if page > pages:
        raise problem(404, "Non-existent page", "sel.no_page")
    links = []
    if page < pages:
        links.append(_page_link("next", lang_id, page + 1, size))
    if 1 < page <= pages:
        links.append(_page_link("previous", lang_id, page - 1, size))
    if pages > 1:
        links.append(_page_link("last", lang_id, pages, size))
    return _json(
        {
            "language": lang_id,
            "tables": [_table_item(t, lang_id, lang) for t in rows],
            "page": {
                "pageNumber": page,
                "pageSize": size,
                "totalElements": total,
                "totalPages": pages,
                "links": links,
            },
            "links": [_page_link("self", lang_id, page, size)],
        }
    )


def _page_link(rel: str, lang_id: str, page: int, size: int) -> dict[str, str]:
    extra = {k: v for k, v in request.args.items() if k.lower() in ("query", "pastdays")}
    return {
        "rel": rel,
        "hreflang": lang_id,
        "href": url_for(
            "pxwebapi.list_tables",
            lang=lang_id,
            pageSize=size,
            pageNumber=page,
            _external=True,
            **extra,
        ),
    }


def _answered(table: DataTable, lang: str) -> str:
    """The PxWebApi language id of the labels a request in ``lang`` gets: the table's own language
    when it does not have ``lang`` (issue 21; "no" for Norwegian, as PxWebApi names it)."""
    return _lang_id(answer_language(table, lang))


@bp.get("/tables/<table_id>")
def get_table(table_id: str) -> Response:
    """The table; ``language`` is the language of its labels, which is the table's own when it does
    not have the one asked for."""
    db = get_session()
    table = service.get_table(db, table_id, now())
    lang_id, lang = _language(table=table)
    tag = table_etag(db, table, answer="table", lang=lang_id, selection=None)
    if (unchanged := not_modified(tag)) is not None:
        return unchanged
    response = _json({"language": _answered(table, lang), **_table_item(table, lang_id, lang)})
    response.headers["Content-Language"] = answer_language(table, lang)
    response.headers["ETag"] = tag
    return response


def _codelist_link(codelist_id: str, lang_id: str) -> str:
    # PxWebApi writes these links with a capital L: .../codeLists/{id}?lang=xx
    return url_for("pxwebapi.codelist", codelist_id=codelist_id, lang=lang_id, _external=True)


def codelist_entries(
    table: DataTable, available: list[CodeList], lang_id: str, lang: str
) -> dict[str, list[dict[str, Any]]]:
    """The metadata's ``extension.codelists`` per variable code: each code list's id, label, type and
    a link to it."""
    entries: dict[str, list[dict[str, Any]]] = {}
    for variable in table.variables:
        entries[variable.code] = [
            {
                "id": c.id,
                "label": c.label(lang),
                "type": c.kind,
                "links": [
                    {"rel": "metadata", "hreflang": lang_id, "href": _codelist_link(c.id, lang_id)}
                ],
            }
            for c in codelists.for_variable(available, variable)
        ]
    return entries


@bp.get("/tables/<table_id>/metadata")
def metadata(table_id: str) -> Response:
    """The table's metadata; ``codelist[VAR]=ID`` shows variable VAR through code list ID;
    ``savedQuery=ID`` shows only what that saved query selects (its code lists too), and
    ``defaultSelection=true`` what the default selection does."""
    db = get_session()
    table = service.get_table(db, table_id, now())
    lang_id, lang = _language(table=table)
    saved_id = arg("savedQuery")
    saved: SavedQuery | None = None
    if saved_id:
        saved, saved_table = _saved(saved_id)
        if saved_table.id != table.id:  # another table's query is not found for this one
            raise problem(404, "Saved query not found", "sel.no_saved_query", id=saved_id)
    default_selection = (arg("defaultSelection") or "").lower() == "true"
    asked = {
        "codelists": _get_codelists(),
        "savedQuery": saved.selection if saved is not None else None,
        "defaultSelection": default_selection,
    }
    tag = table_etag(db, table, answer="metadata", lang=lang_id, selection=asked)
    if (unchanged := not_modified(tag)) is not None:
        return unchanged
    available = codelists.of_table(db, table)
    selection: Selection | None = None
    if saved is not None:
        requested, _, _, wanted = parse_selection(saved.selection)
        wanted = {**wanted, **_get_codelists()}
        selection, applied = resolve_selection(db, table, requested, max_cells(), wanted, available)
    elif default_selection:
        selection, applied = resolve_selection(
            db, table, {}, max_cells(), _get_codelists(), available
        )
    else:
        applied = codelists.choose(table.variables, available, _get_codelists())
    cube = metadata_cube(table, lang, applied, selection)
    response = Response(
        jsonstat.metadata(cube, codelists=codelist_entries(table, available, lang_id, lang)),
        content_type=jsonstat.CONTENT_TYPE,
    )
    response.headers["Content-Language"] = cube.language
    response.headers["ETag"] = tag
    return response


@bp.get("/tables/<table_id>/defaultselection")
@bp.get("/tables/<table_id>/defaultSelection")
def default(table_id: str) -> Response:
    table = service.get_table(get_session(), table_id, now())
    lang_id, _ = _language(table=table)
    chosen = default_selection(table.variables)
    return _json(
        {
            "selection": [
                {"variableCode": v.code, "valueCodes": chosen.get(v.code, [])}
                for v in table.variables
            ],
            "placement": {
                "heading": [v.code for v in table.variables if v.placement == "heading"],
                "stub": [v.code for v in table.variables if v.placement == "stub"],
            },
            "language": lang_id,
            "links": [_link("self", lang_id, "pxwebapi.default", table_id=table.id)],
        }
    )


def _get_selection() -> tuple[dict[str, list[str]], list[str], list[str]]:
    """valuecodes[VAR]=…, heading=…, stub=… from the query string, names in any case."""
    requested: dict[str, list[str]] = {}
    for key, value in request.args.items(multi=True):
        lowered = key.lower()
        if lowered.startswith("valuecodes"):
            match = re.fullmatch(r"valuecodes\[(.+)\]", key, re.IGNORECASE)
            if not match:
                raise problem(400, "Parameter error", "sel.valuecodes_key", name=key)
            requested.setdefault(match.group(1), []).extend(split_values(value))
    heading = split_values(arg("heading") or "")
    stub = split_values(arg("stub") or "")
    return requested, stub, heading


def _get_codelists() -> dict[str, str]:
    """codelist[VAR]=ID from the query string, names in any case."""
    wanted: dict[str, str] = {}
    for key, value in request.args.items(multi=True):
        if key.lower().startswith("codelist"):
            match = re.fullmatch(r"codelist\[(.+)\]", key, re.IGNORECASE)
            if not match:
                raise problem(400, "Parameter error", "sel.codelist_key", name=key)
            if value.strip():
                wanted[match.group(1)] = value.strip()
    return wanted


def _body() -> Any:
    raw = request.get_data(cache=False)
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise problem(400, "Parameter error", "sel.bad_json") from None


def _post_selection() -> Parsed:
    body = _body()
    return ({}, [], [], {}) if body is None else parse_selection(body)


@bp.route("/tables/<table_id>/data", methods=["GET", "POST"])
def data(table_id: str) -> Response:
    table = service.get_table(get_session(), table_id, now())
    _, lang = _language(table=table)
    format_name = _output_format(arg("outputFormat") or "json-stat2")
    params = split_values(arg("outputFormatParams") or "")
    if request.method == "POST":
        requested, stub, heading, wanted = _post_selection()
    else:
        (requested, stub, heading), wanted = _get_selection(), _get_codelists()
    return _selected_data(table, (requested, stub, heading, wanted), lang, format_name, params)


def _selected_data(
    table: DataTable, parsed: Parsed, lang: str, format_name: str, params: list[str]
) -> Response:
    """A selection of a table in one output format: the cube it selects (in every language for PX,
    which carries them all) rendered, with its ETag; a 304 before any cell is read when
    ``If-None-Match`` names that ETag. The one way to answer data, asked directly or saved."""
    tag = table_etag(
        get_session(), table, answer=format_name, lang=lang, selection=[*parsed, params]
    )
    if (unchanged := not_modified(tag)) is not None:
        return unchanged
    requested, stub, heading, wanted = parsed
    cube, _ = select_cube(
        cube_source(),
        table,
        requested,
        lang,
        stub,
        heading,
        wanted,
        every_language=format_name == "px",
    )
    response = render(cube, format_name, params)
    response.headers["ETag"] = tag
    return response


def _json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(
        orjson.dumps(payload), status=status, content_type="application/json; charset=UTF-8"
    )


# Saved queries -------------------------------------------------------------------------------------

#: A saved query's body is small: a selection of codes and expressions, never data.
MAX_SAVED_QUERY_BYTES = 64 * 1024


def _saved(query_id: str) -> tuple[SavedQuery, DataTable]:
    """The saved query ``query_id`` and its table, public now. Raises 400 for an id with path
    characters, 404 "Saved query not found" otherwise (also while its table is not public)."""
    if ".." in query_id or "/" in query_id or "\\" in query_id:
        raise problem(400, "Parameter error", "sel.saved_query_id")
    db = get_session()
    saved = db.get(SavedQuery, query_id)
    if saved is None:
        raise problem(404, "Saved query not found", "sel.no_saved_query", id=query_id)
    try:
        table = service.get_table(db, saved.table_id, now())
    except PortalError:
        raise problem(404, "Saved query not found", "sel.no_saved_query", id=query_id) from None
    return saved, table


def _saved_response(saved: SavedQuery, table: DataTable, lang_id: str, lang: str) -> Response:
    """A SavedQueryResponse asked in ``lang_id`` (portal language ``lang``): its ``language`` and
    Content-Language are those the query's table is answered in, the table's own when it lacks
    ``lang`` (issue 21); ``savedQuery.language`` is the one stored."""
    body = {
        "id": saved.id,
        "selection": saved.selection,
        "language": saved.language,
        "tableId": saved.table_id,
        "outputFormat": saved.output_format,
        "outputFormatParams": saved.output_format_params,
    }
    response = _json(
        {
            "language": _answered(table, lang),
            "id": saved.id,
            "savedQuery": {k: v for k, v in body.items() if v is not None},
            "links": [_link("self", lang_id, "pxwebapi.get_saved_query", query_id=saved.id)],
        }
    )
    response.headers["Content-Language"] = answer_language(table, lang)
    return response


@bp.post("/savedqueries")
@bp.post("/savedQueries")
def create_saved_query() -> Response:
    """Store a selection of a public table; 201 with its id and a Location to it. The selection is
    checked by resolving it against the table (so a saved query always runs), nothing is stored
    otherwise."""
    if (request.content_length or 0) > MAX_SAVED_QUERY_BYTES:
        raise problem(400, "Parameter error", "sel.saved_query_large")
    body = _body()
    if body is None:
        raise problem(400, "No query specified", "sel.no_query")
    query, (requested, stub, heading, wanted) = parse_saved_query(body, FORMAT_NAMES)
    language, output_format, params = (
        query.language,
        query.output_format,
        query.output_format_params,
    )
    db = get_session()
    table = service.get_table(db, query.table_id, now())
    saved = save_query(
        db,
        table,
        requested,
        stub=stub,
        heading=heading,
        wanted=wanted,
        language=language,
        max_cells=max_cells(),
        now=now(),
        output_format=output_format,
        output_format_params=params,
    )
    db.commit()
    lang_id = language.lower()
    response = _saved_response(saved, table, lang_id, LANGUAGES.get(lang_id, lang_id))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "pxwebapi.get_saved_query", query_id=saved.id, lang=lang_id, _external=True
    )
    return response


@bp.get("/savedqueries/<query_id>")
@bp.get("/savedQueries/<query_id>")
def get_saved_query(query_id: str) -> Response:
    saved, table = _saved(query_id)
    lang_id, lang = _language(saved.language, table)
    return _saved_response(saved, table, lang_id, lang)


@bp.get("/savedqueries/<query_id>/data")
@bp.get("/savedQueries/<query_id>/data")
def run_saved_query(query_id: str) -> Response:
    """Run it: the stored language and output format unless the query string says otherwise."""
    saved, table = _saved(query_id)
    _, lang = _language(saved.language, table)
    format_name = _output_format(arg("outputFormat") or saved.output_format or "json-stat2")
    given = arg("outputFormatParams")
    params = split_values(given) if given is not None else list(saved.output_format_params)
    return _selected_data(table, parse_selection(saved.selection), lang, format_name, params)


@bp.get("/savedqueries/<query_id>/selection")
@bp.get("/savedQueries/<query_id>/selection")
def saved_query_selection(query_id: str) -> Response:
    """The selection with every expression expanded to the codes it gives today."""
    saved, table = _saved(query_id)
    lang_id, lang = _language(saved.language, table)
    requested, stub, heading, wanted = parse_selection(saved.selection)
    chosen, applied = resolve_selection(get_session(), table, requested, max_cells(), wanted)
    variables = codelists.variables_with(table.variables, applied)
    response = _json(
        {
            "selection": [
                {
                    "variableCode": v.code,
                    **({"codelist": applied[n].codelist.id} if n in applied else {}),
                    "valueCodes": [v.codes[i] for i in pick] if pick is not None else [],
                }
                for n, (v, pick) in enumerate(zip(variables, chosen.picks, strict=True))
            ],
            "placement": {
                "heading": heading or [v.code for v in table.variables if v.placement == "heading"],
                "stub": stub or [v.code for v in table.variables if v.placement == "stub"],
            },
            "language": _answered(table, lang),
            "links": [_link("self", lang_id, "pxwebapi.saved_query_selection", query_id=saved.id)],
        }
    )
    response.headers["Content-Language"] = answer_language(table, lang)
    return response


@bp.get("/codelists/<codelist_id>")
@bp.get("/codeLists/<codelist_id>")
def codelist(codelist_id: str) -> Response:
    """A code list (CodelistResponse), while a public table offers it; 404 "Non-existent codelist"
    otherwise."""
    lang_id, lang = _language()
    found = service.public_codelist(get_session(), codelist_id, now())
    if found is None:
        raise problem(404, "Non-existent codelist", "sel.no_codelist_id", codelist=codelist_id)
    languages = ["no", "en"] if found.label_en else ["no"]
    return _json(
        {
            "id": found.id,
            "label": found.label(lang),
            "language": lang_id,
            "languages": languages,
            "type": found.kind,
            "elimination": False,
            "values": [
                {"code": v.code, "label": v.label(lang), "valueMap": list(v.sources)}
                for v in found.values
            ],
            "links": [
                {"rel": "self", "hreflang": lang_id, "href": _codelist_link(found.id, lang_id)},
                *(
                    {"rel": "alternate", "hreflang": other, "href": _codelist_link(found.id, other)}
                    for other in languages
                    if LANGUAGES[other] != lang
                ),
            ],
        }
    )


def stream_response(chunks: Iterator[bytes], content_type: str, filename: str) -> Response:
    response = Response(chunks, content_type=content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _error(error: PortalError) -> Response:
    """PxWebApi 2.0's problem documents (without the portal's field errors) for every answer under
    /api/pxwebapi/v2/, unmatched routes included."""
    body = error.to_problem(instance=request.path)
    body.pop("errors", None)
    return Response(orjson.dumps(body), status=error.status, mimetype="application/problem+json")


def init_app(app: Flask) -> None:
    register_error_shape("/api/pxwebapi/v2/", _error)
    # Read-only and open to everyone: no session, no CSRF, PxWeb's own rate limit ("pxapi"), one counter
    # per client shared with the classic API: two doors to the same tables.
    csrf.exempt(bp)
    limit_blueprint(app, bp, "pxapi")
    app.register_blueprint(bp)
