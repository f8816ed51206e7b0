"""Table pages (nb and en): choose values per variable as in PxWeb (search within long lists, select all),
preview the selection as an accessible table, download it in every format, copy the API query that gives
it, and see it as an SVG chart beside the data. Works without JavaScript: the form is a GET form.

The whole table as files (issue 21), one URL per revision and format, language-neutral (no ``/en/``
twin: a file is not a page): ``/tabeller/<id>/filer/<revision>.<format>`` serves the built file
(:mod:`pxbridge.store.whole`) with its SHA-256 as a strong ETag, Range requests and a file name after
the table id, and ``/tabeller/<id>/filer/siste.<format>`` redirects to the current public revision's.
Both are 404 while the table is under embargo, and a revision's URL is 404 once another replaces it."""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, g, redirect, request, send_file, url_for
from sqlalchemy import func
from sqlalchemy.orm import load_only
from werkzeug.wrappers import Response as BaseResponse

from portal.http.db import get_session
from portal.http.instant import now
from portal.http.pagecache import shared_also
from portal.http.routing import bilingual, render_page
from portal.kernel import formatting
from portal.kernel.errors import BadRequest, NotFound, PortalError
from portal.kernel.findable import FileSummary
from portal.kernel.i18n import current_language, translate
from pxbridge import codelists, service
from pxbridge.blueprint import bp, cube_source, get_store
from pxbridge.codelists import CodeList
from pxbridge.formats import FORMATS, OutputParams
from pxbridge.formats.html import html_table
from pxbridge.formats.output import FORMAT_NAMES, as_px_table
from pxbridge.formats.px import write_px
from pxbridge.models import DataTable, TableVariable
from pxbridge.pages import chart
from pxbridge.query.cube import Cube
from pxbridge.query.cubes import select_cube
from pxbridge.query.extract import answer_language, bare_title, label
from pxbridge.query.selection import default_selection
from pxbridge.search import whole_files
from pxbridge.store import whole
from pxbridge.store.shared import SharedCellStore
from pxbridge.store.shared_files import SharedWholeFiles

#: The whole-table files: not pages (no ``lang`` in their URLs), so on a plain blueprint.
files_bp = Blueprint("table_files", __name__)
LATEST = "siste"

PREVIEW_CELLS = 2000
LONG_LIST = 12


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    optional: bool
    options: tuple[Option, ...]
    total: int
    search: str
    all_selected: bool
    long: bool
    codelists: tuple[tuple[str, str], ...] = ()  # (id, label) of the variable's code lists
    codelist: str = ""  # the one chosen, "" for the variable's own values
    # The time variable's "latest N periods" and "from period" choices, as the form sent them.
    time: bool = False
    latest: str = ""
    from_period: str = ""
    periods: tuple[tuple[str, str], ...] = ()  # every period (code, label), for "from period"
    place: str = "rad"  # in the preview's rows ("rad") or columns ("kolonne")
    # For the live cell count (table.js), as the server counts: the values "select all" takes of the
    # variable's own; with code lists (the checkboxes may be another list's), the codes each choice
    # takes ("" for the variable's own); and the values the default selection takes (0: left out).
    size: int = 0
    list_codes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    default: int = 0


def _chosen_lists(table: DataTable, available: list[CodeList]) -> dict[str, CodeList]:
    """The code list chosen per variable in the form (``cl-<code>``), if it is one of its own."""
    lists = {}
    for variable in table.variables:
        chosen = (request.args.get(f"cl-{variable.code}") or "").strip()
        found = next(
            (c for c in codelists.for_variable(available, variable) if c.id == chosen), None
        )
        if chosen and found is not None:
            lists[variable.code] = found
    return lists


def _values(variable: TableVariable, codelist: CodeList | None, lang: str) -> list[tuple[str, str]]:
    """(code, label) of what the variable offers: its values, or its code list's."""
    if codelist is None:
        return list(zip(variable.codes, _labels(variable, lang), strict=True))
    return [(v.code, v.label(lang)) for v in codelist.values]


#: Where the form places a variable in the preview: in the rows (the stub) or the columns (the heading).
PLACES = ("rad", "kolonne")


def _placed(variable: TableVariable) -> str:
    """Where the form asks ``variable`` to go (``place-<code>``), else where the table has it."""
    asked = request.args.get(f"place-{variable.code}")
    if asked in PLACES:
        return asked
    return "rad" if variable.placement == "stub" else "kolonne"


def _placement(table: DataTable, chosen: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """The preview's pivot (issue 19): the chosen variables in rows and in columns as the form places
    them, in the table's order; both empty when the form places none (the table's own placement). A
    variable the selection leaves out is not placed."""
    if not any(key.startswith("place-") for key in request.args):
        return [], []
    rows: list[str] = []
    columns: list[str] = []
    for variable in table.variables:
        if variable.code in chosen:
            (rows if _placed(variable) == "rad" else columns).append(variable.code)
    return rows, columns


def _periods_chosen(table: DataTable) -> dict[str, list[str]]:
    """The time variable's periods as the form's ``latest-<code>`` (the latest N, PxWebApi's
    ``top(N)``) or ``from-<code>`` (from a period on, ``from(P)``) ask for them; these win over the
    list. Raises BadRequest, in the page's words, for a number or period the table does not have."""
    chosen: dict[str, list[str]] = {}
    for variable in table.variables:
        if variable.role != "time":
            continue
        latest = (request.args.get(f"latest-{variable.code}") or "").strip()
        start = (request.args.get(f"from-{variable.code}") or "").strip()
        if latest:
            if not latest.isdigit() or not 1 <= int(latest) <= len(variable.codes):
                raise BadRequest("").said("tab.latest_bad", n=len(variable.codes))
            chosen[variable.code] = [f"top({int(latest)})"]
        elif start:
            if start not in variable.codes:
                raise BadRequest("").said("tab.from_bad")
            chosen[variable.code] = [f"from({start})"]
    return chosen


def _requested(table: DataTable, lists: dict[str, CodeList]) -> dict[str, list[str]]:
    """The values chosen in the form: ``v-<code>`` lists, ``all-<code>`` for every value. Through a
    code list (``lists``), only its values count, and none chosen means all of them (the form's
    values were the variable's own before the code list was chosen)."""
    chosen: dict[str, list[str]] = {}
    for variable in table.variables:
        values = request.args.getlist(f"v-{variable.code}")
        codelist = lists.get(variable.code)
        if codelist is not None:
            own = {v.code for v in codelist.values}
            values = [v for v in values if v in own]
            if request.args.get(f"all-{variable.code}") or not values:
                values = ["*"]
        elif request.args.get(f"all-{variable.code}"):
            values = ["*"]
        if values:
            chosen[variable.code] = values
    return chosen


def _fields(
    table: DataTable,
    chosen: dict[str, list[str]],
    lang: str,
    available: list[CodeList],
    lists: dict[str, CodeList],
) -> list[Field]:
    fields = []
    defaults = default_selection(table.variables)
    for variable in table.variables:
        own_lists = codelists.for_variable(available, variable)
        # What "*" takes through a code list: its values present in the table (codelists.apply).
        taken = tuple((c.id, tuple(codelists.apply(variable, c).codes)) for c in own_lists)
        picked = set(chosen.get(variable.code, []))
        every = "*" in picked
        search = (request.args.get(f"q-{variable.code}") or "").strip()[:100]
        codelist = lists.get(variable.code)
        offered = _values(variable, codelist, lang)
        options = tuple(
            Option(code, text, every or code in picked)
            for code, text in offered
            if not search or search.lower() in f"{code} {text}".lower() or every or code in picked
        )
        fields.append(
            Field(
                code=variable.code,
                label=(variable.label_en if lang == "en" else "") or variable.label_nb,
                optional=variable.elimination,
                options=options,
                total=len(offered),
                search=search,
                all_selected=every,
                long=len(offered) > LONG_LIST,
                codelists=tuple((c.id, c.label(lang)) for c in own_lists),
                codelist=codelist.id if codelist else "",
                time=variable.role == "time",
                periods=tuple(offered) if variable.role == "time" else (),
                place=_placed(variable),
                latest=(request.args.get(f"latest-{variable.code}") or "").strip()[:10],
                from_period=(request.args.get(f"from-{variable.code}") or "").strip()[:40],
                size=len(variable.codes),
                list_codes=(("", tuple(variable.codes)), *taken) if own_lists else (),
                default=len(defaults.get(variable.code, ())),
            )
        )
    return fields


def _labels(variable: TableVariable, lang: str) -> list[str]:
    labels = variable.labels_en if lang == "en" and any(variable.labels_en) else variable.labels_nb
    return [text or variable.labels_nb[i] for i, text in enumerate(labels)]


def _query(table: DataTable, cube: Cube, lists: dict[str, CodeList]) -> dict[str, list[str]]:
    """The selection as PxWebApi value lists: ``*`` where every value is chosen."""
    sizes = {v.code: len(v.codes) for v in table.variables}
    sizes.update({code: len(c.values) for code, c in lists.items()})
    return {
        d.code: ["*"] if len(d.codes) == sizes[d.code] else list(d.codes) for d in cube.dimensions
    }


def _api_links(
    table: DataTable, cube: Cube, lang_id: str, lists: dict[str, CodeList], pivoted: bool = False
) -> tuple[dict[str, str], str, str]:
    """The API's answers for the shown selection (one URL a format), its GET URL and POST body; with
    ``pivoted``, the placement the page shows goes with them (PxWebApi's ``stub`` and ``heading``)."""
    query = _query(table, cube, lists)
    rows = [d.code for d in cube.dimensions[: cube.stub]]
    columns = [d.code for d in cube.dimensions[cube.stub :]]
    params = (
        [("lang", lang_id)]
        + [
            (f"valuecodes[{code}]", ",".join(f"[{v}]" if "," in v else v for v in values))
            for code, values in query.items()
        ]
        + [(f"codelist[{code}]", c.id) for code, c in lists.items()]
        + ([("stub", ",".join(rows)), ("heading", ",".join(columns))] if pivoted else [])
    )
    base = url_for("pxwebapi.data", table_id=table.id, _external=True)
    downloads = {
        name: f"{base}?{urlencode([*params, ('outputFormat', name)])}" for name in FORMAT_NAMES
    }
    body = json.dumps(
        {
            "selection": [
                {
                    "variableCode": code,
                    **({"codelist": lists[code].id} if code in lists else {}),
                    "valueCodes": values,
                }
                for code, values in query.items()
            ],
            **({"placement": {"stub": rows, "heading": columns}} if pivoted else {}),
        },
        ensure_ascii=False,
        indent=2,
    )
    return downloads, f"{base}?{urlencode(params)}", body


_NUMBER_CELL = re.compile(r'(?<=<td class="num">)-?[0-9]+(?:\.[0-9]+)?(?=</td>)')


def _localized(table_html: str) -> str:
    """The preview's number cells in the page's language ("155,1", "1 234" on nb pages), each with
    exactly the digits :func:`~pxbridge.formats.html.html_table` gave it (the table's decimals). The
    HTML download keeps its plain numbers: it is a file, not a page."""
    lang = current_language()
    return _NUMBER_CELL.sub(lambda cell: formatting.number_text(cell.group(), lang), table_html)


def _asked(
    table: DataTable,
) -> tuple[list[CodeList], dict[str, CodeList], dict[str, list[str]]]:
    """What the page's arguments ask of ``table``: its code lists, the ones chosen, and the values
    chosen in the lists (the default selection when nothing is chosen yet: a first visit, or only a
    code list picked, with all of a chosen code list's values)."""
    available = codelists.of_table(get_session(), table)
    lists = _chosen_lists(table, available)
    chosen = _requested(table, lists)
    if not any(key.startswith(("v-", "all-")) for key in request.args):
        chosen = {**default_selection(table.variables), **chosen}
    return available, lists, chosen


def _cut(
    table: DataTable,
    lang: str,
    available: list[CodeList],
    lists: dict[str, CodeList],
    chosen: dict[str, list[str]],
) -> tuple[Cube, bool]:
    """The cube the page's arguments select (the lists, then the period choices, in the placement
    asked), and whether a placement was asked. The page and its files both cut it so. Raises
    PortalError for a selection that cannot be given."""
    chosen = {**chosen, **_periods_chosen(table)}
    wanted = {code: c.id for code, c in lists.items()}
    stub, heading = _placement(table, chosen)
    cube, _ = select_cube(cube_source(), table, chosen, lang, stub, heading, wanted, available)
    return cube, bool(stub or heading)


def _files_here(table_id: str, **_: object) -> str:
    """The page names each whole-table file's size and checksum once it is built (on this machine)."""
    return whole_files_of().state(table_id)


@bilingual("/tabeller/<table_id>", "/en/tables/<table_id>", twin="pxwebapi.metadata", blueprint=bp)
@shared_also(_files_here)
def table_page(table_id: str) -> Response:
    lang = current_language()
    lang_id = "en" if lang == "en" else "no"
    table = service.get_table(get_session(), table_id, now())
    available, lists, chosen = _asked(table)
    status, problem, cube, pivoted = 200, None, None, False
    try:
        cube, pivoted = _cut(table, lang, available, lists, chosen)
    except PortalError as error:
        if error.status not in (400, 403):
            raise
        # PxWebApi's 403 for too many cells is its API's contract; to a page it is a bad request.
        status, problem = 400, error
    context: dict[str, object] = {}
    if cube is not None:
        downloads, get_url, post_body = _api_links(table, cube, lang_id, lists, pivoted=pivoted)
        what = label(table, "title", lang)
        drawn = chart.build(cube, what, what)
        if drawn is not None:
            key = "tab.chart_line" if drawn.kind == "line" else "tab.chart_bar"
            drawn = chart.build(cube, what, translate(key, what=what, n=len(drawn.series)))
        rows = max(1, PREVIEW_CELLS // max(1, _row_width(cube)))
        files = file_links(table)
        context = {
            "structured_data": _dataset(table, files or downloads, lang),
            "files": files,
            "latest": {
                fmt: url_for("table_files.whole_file", table_id=table.id, name=f"{LATEST}.{fmt}")
                for fmt in files
            },
            "preview": _localized(
                html_table(cube, OutputParams(labels="text"), max_cells=PREVIEW_CELLS)
            ),
            "preview_cut": rows if _row_count(cube) > rows else None,
            "about": _about(cube),
            "downloads": downloads,
            "people_files": _people_files(table, lang),
            "api_get": get_url,
            "api_post": post_body,
            "chart": drawn,
            "chart_file": _chart_file(table, lang) if drawn is not None else None,
            # Alerts when a release revises these numbers (issue 22): the selection saved, then
            # the alert form (pxbridge.pages.selection_alert).
            "alert_action": url_for("tables.alert_on_selection", table_id=table.id)
            + (f"?{urlencode(_selection_args())}" if _selection_args() else ""),
        }
    shown_in = answer_language(table, lang)
    return render_page(
        "tables/table.html",
        status=status,
        twin_url=url_for("pxwebapi.metadata", table_id=table.id, lang=lang_id),
        table=table,
        title=label(table, "title", lang),
        source=label(table, "source", lang),
        fields=_fields(table, chosen, lang, available, lists),
        problem=problem,
        max_cells=cube_source().max_cells,
        table_language=shown_in,
        language_notice=_language_notice(shown_in) if shown_in != lang else None,
        **context,
    )


#: The table page's own downloads of the selection, made for opening on a desktop: name in the URL ->
#: (format, content type, suffix, Norwegian Excel's CSV).
SELECTION_FILES = {
    "excel-csv": ("csv", "text/csv; charset=utf-8", ".csv", True),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        False,
    ),
    "csv": ("csv", "text/csv; charset=utf-8", ".csv", False),
    # The chart as drawn on the page, as an SVG file with its stylesheet.
    "svg": ("svg", "image/svg+xml", ".svg", False),
}
#: How the files label values: the page's words for them -> OutputParams.labels.
LABELS = {"tekst": "text", "kode": "code", "begge": "code_text"}
_FOLDED = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "AE", "Ø": "O", "Å": "A"})


def _people_files(table: DataTable, lang: str) -> dict[str, tuple[str, str]]:
    """Per file the page offers, its link by value texts and its link with codes and texts, each
    carrying the page's selection."""
    chosen = _selection_args()
    links = {}
    for kind in SELECTION_FILES:
        if kind == "svg":
            continue  # the chart's own link, under the chart
        base = url_for("table_files.selection_file", table_id=table.id, kind=kind)
        by_text, with_codes = (
            f"{base}?{urlencode([*chosen, ('labels', labels), ('lang', lang)])}"
            for labels in ("tekst", "begge")
        )
        links[kind] = (by_text, with_codes)
    return links


def _selection_args() -> list[tuple[str, str]]:
    """The page's arguments that make its selection, to carry into its files' links."""
    return [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k.startswith(("v-", "all-", "cl-", "latest-", "from-", "place-"))
    ]


def _chart_file(table: DataTable, lang: str) -> str:
    """The link to the page's chart as an SVG file, for the page's selection."""
    chosen = _selection_args()
    base = url_for("table_files.selection_file", table_id=table.id, kind="svg")
    return f"{base}?{urlencode([*chosen, ('lang', lang)])}"


def file_name(table_id: str, title: str, suffix: str) -> str:
    """A download's file name from the table's id and title, in plain ASCII so every system keeps it:
    "05333_omsetning-i-varehandel.csv" (at most 80 characters before the suffix)."""
    words = re.sub(r"[^a-z0-9]+", "-", title.translate(_FOLDED).lower()).strip("-")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", table_id) + (f"_{words}" if words else "")
    return stem[:80].rstrip("-_") + suffix


@files_bp.get("/tabeller/<table_id>/last-ned/<kind>")
def selection_file(table_id: str, kind: str) -> Response:
    """The selection the table page shows (the same arguments), as a file people open: CSV for
    Norwegian Excel (semicolons, decimal commas, UTF-8 with a byte-order mark), plain CSV, or xlsx
    with title, units and source; values labelled by their text, code or both (``labels``), in the
    language ``lang`` asks (nb or en; the table's own when it lacks it); named after the table's id
    and title. 404 for another kind or a table not public; 400 for a selection the page refuses."""
    if kind not in SELECTION_FILES:
        raise NotFound(translate("tab.file_no_kind", kinds=", ".join(SELECTION_FILES)))
    fmt, content_type, suffix, excel = SELECTION_FILES[kind]
    lang = "en" if request.args.get("lang") == "en" else "nb"
    labels = LABELS.get(request.args.get("labels", "tekst"), "text")
    table = service.get_table(get_session(), table_id, now())
    cube, _ = _cut(table, lang, *_asked(table))
    title = label(table, "title", lang)
    name = file_name(table.id, bare_title(table.id, title), suffix)
    if fmt == "svg":
        drawn = chart.build(cube, title, title)
        if drawn is None:
            raise NotFound(translate("tab.chart_none"))
        body = chart.standalone(drawn)
    else:
        params = OutputParams(
            labels=labels,
            separator=";" if excel else ",",
            include_title=False,
            decimal_comma=excel,
        )
        body = FORMATS[fmt].render(cube, params)
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Content-Language"] = cube.language
    return response


def _language_notice(language: str) -> str:
    """The page's notice that the table is shown in its own ``language``, not the page's (issue 21)."""
    try:
        name = translate(f"tab.lang.{language}")
    except KeyError:
        name = language
    return translate("tab.language_notice", language=name)


def _dataset(
    table: DataTable,
    downloads: dict[str, tuple[str, FileSummary | None]] | dict[str, str],
    lang: str,
) -> object:
    """The page's schema.org Dataset, with one DataDownload per format: the whole-table files (with
    their size and SHA-256), or for a mirrored table the API's answer for the shown selection."""
    from portal.kernel.schema_org import dataset, organization, script, temporal_coverage

    statistic, producer = table.statistic, table.statistic.producer
    return script(
        dataset(
            name=label(table, "title", lang),
            description=(statistic.description_en if lang == "en" else "")
            or statistic.description_nb,
            url=url_for("tables.table_page", table_id=table.id, _external=True),
            identifier=table.id,
            keywords=[statistic.name_nb, statistic.name_en, producer.short_name, table.id],
            producer=organization(
                (producer.name_en if lang == "en" else "") or producer.name_nb,
                producer.website,
                producer.org_number,
            ),
            modified=table.updated,
            language=lang,
            # Periods like 2000M01 or 2025K4 as the years they fall in (ISO 8601 intervals).
            temporal=temporal_coverage(table.first_period, table.last_period),
            variables=[(v.label_en if lang == "en" else "") or v.label_nb for v in table.variables],
            downloads=downloads,
            catalog_url=url_for("web.home", _external=True),
        )
    )


@dataclass(frozen=True)
class About:
    """What the page says beside the preview: each contents value's unit, the table's footnotes, and
    the selection's cells against the most one answer may have."""

    units: tuple[tuple[str, str], ...]  # (contents label, or "" without a metric; unit)
    notes: tuple[str, ...]
    cells: int
    max_cells: int


def _about(cube: Cube) -> About:
    return About(
        cube.labelled_units(),
        tuple(cube.notes),
        _row_width(cube) * _row_count(cube),
        cube_source().max_cells,
    )


def _row_width(cube: Cube) -> int:
    width = 1
    for d in cube.dimensions[cube.stub :]:
        width *= len(d.codes)
    return width


def _row_count(cube: Cube) -> int:
    count = 1
    for d in cube.dimensions[: cube.stub]:
        count *= len(d.codes)
    return count


def _px_pieces(cube: Cube) -> tuple[bytes]:
    table = as_px_table(cube)
    return (write_px(table, table.values, table.variables, table.stub, table.heading),)


def init_app(app: Flask) -> None:
    """Attach the whole-table files (``instance/downloads``) and their routes to ``app``."""
    renderers = {**whole.standard_renderers(), "px": _px_pieces}
    root = Path(app.instance_path) / "downloads"
    store = get_store(app)
    if isinstance(store, SharedCellStore):  # on PostgreSQL: the files are shared too (issue 23)
        files: whole.WholeFiles = SharedWholeFiles(root, store, renderers, store.database)
    else:
        files = whole.WholeFiles(root, store, renderers)
    app.extensions["pxbridge.whole_files"] = files
    app.register_blueprint(files_bp)


def whole_files_of() -> whole.WholeFiles:
    """The app's whole-table files (attached by :func:`init_app`)."""
    found: whole.WholeFiles = current_app.extensions["pxbridge.whole_files"]
    return found


def _public_file(table_id: str, name: str) -> tuple[DataTable, str, str]:
    """(table row, revision, format) of ``name`` (``<revision>.<format>``) of a table public now; the
    row's columns but for its revision's are not loaded. Raises 404 for a table under embargo or
    unknown, a mirrored one, an unknown format, and a revision that is not the table's current one."""
    revision, _, fmt = name.partition(".")
    if fmt not in whole.KINDS:
        raise NotFound(translate("tab.file_no_format", formats=", ".join(whole.KINDS), format=fmt))
    # The one visibility rule (service.visible) on the columns that name the revision only: the rest
    # of the row (its JSON columns, its variables) was most of a cached serve's time
    # (bench/tables_whole_files.py). A build loads the whole table (_file).
    table = get_session().scalar(
        service.visible(now())
        .where(func.lower(DataTable.id) == table_id.lower())
        .options(load_only(DataTable.id, DataTable.store_revision, DataTable.version))
    )
    if table is None:
        raise service.TableNotFound(table_id)
    current = whole.file_revision(table)
    if current is None:
        raise NotFound(translate("tab.file_no_cells", id=table.id))
    if revision == LATEST:
        revision = current
    if revision != current:
        latest = url_for("table_files.whole_file", table_id=table.id, name=f"{LATEST}.{fmt}")
        raise NotFound(
            translate(
                "tab.file_no_revision",
                id=table.id,
                revision=revision,
                current=current,
                latest=latest,
            )
        )
    return table, revision, fmt


def _file(table: DataTable, revision: str, fmt: str) -> whole.FileFacts:
    """The built file of a public table's current revision, built first if it is not yet. Raises 404
    for a format the table is too large for."""
    files = whole_files_of()
    built = files.built(table.id, revision, fmt)
    if built is not None:
        return built
    full = service.get_table(get_session(), table.id, now())
    if fmt not in whole.offered(full):
        raise NotFound(translate("tab.file_too_large", id=table.id, format=fmt))
    return files.ensure(full, fmt)


@files_bp.get("/tabeller/<table_id>/filer/<name>")
def whole_file(table_id: str, name: str) -> BaseResponse:
    """The whole table as one file; ``siste.<format>`` redirects to the current revision's file."""
    table, revision, fmt = _public_file(table_id, name)
    if name.startswith(f"{LATEST}."):
        response = redirect(
            url_for("table_files.whole_file", table_id=table.id, name=f"{revision}.{fmt}"), 302
        )
        response.headers["Cache-Control"] = "no-cache"
        return response
    built = _file(table, revision, fmt)
    response = send_file(
        built.path,
        mimetype=built.media_type,
        as_attachment=True,
        download_name=f"{table.id}{whole.KINDS[fmt][1]}",
        conditional=True,
        etag=built.sha256,
        max_age=0,
    )
    # A revision's bytes never change; whether it is still current does, so caches ask again.
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Repr-Digest"] = f"sha-256=:{_base64(built.sha256)}:"  # RFC 9530
    return response


def _describe(table_id: str, name: str) -> FileSummary | None:
    """The size and checksums of a public table's file, for the catalogue
    (:class:`portal.kernel.findable.DataFile`); None when there is no such file now, or when it is not
    built yet and this request has spent its time for builds (``WHOLE_FILE_BUILD_SECONDS``, counted
    from its first build): a catalogue answer never waits for more than that, and lists the files it
    left unbuilt without size and checksum until a download, a later request or
    ``portal tables files`` builds them."""
    try:
        table, revision, fmt = _public_file(table_id, name)
    except NotFound:
        return None
    built = whole_files_of().built(table.id, revision, fmt)
    if built is None:
        until = g.setdefault(
            "whole_file_builds_until",
            time.monotonic() + float(current_app.config["WHOLE_FILE_BUILD_SECONDS"]),
        )
        if time.monotonic() >= until:
            return None
        try:
            built = _file(table, revision, fmt)
        except NotFound:
            return None
    return FileSummary(built.byte_size, built.sha256, built.sha1)


whole_file.describe = _describe  # type: ignore[attr-defined]


def file_links(table: DataTable) -> dict[str, tuple[str, FileSummary | None]]:
    """Format -> (URL, size and checksums) of a public table's whole-table files; the size and
    checksums of those built so far only (a page never waits for a build); empty for a mirrored
    table."""
    files = whole_files_of()
    found: dict[str, tuple[str, FileSummary | None]] = {}
    for file in whole_files(table):
        revision = str(file.link.values["name"]).split(".")[0]
        built = files.built(table.id, revision, file.format)
        found[file.format] = (
            url_for(file.link.endpoint, **file.link.values, _external=True),
            FileSummary(built.byte_size, built.sha256, built.sha1) if built else None,
        )
    return found


def _base64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
