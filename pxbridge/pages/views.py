"""Table pages (nb and en): choose values per variable as in PxWeb (search within long lists, select all),
preview the selection as an accessible table, download it in every format, copy the API query that gives
it, and see it as an SVG chart beside the data. Works without JavaScript: the form is a GET form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Response, request, url_for

from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.errors import PortalError
from portal.kernel.i18n import current_language, translate
from pxbridge import codelists, service
from pxbridge.blueprint import bp, cube_source
from pxbridge.codelists import CodeList
from pxbridge.formats import OutputParams
from pxbridge.formats.html import html_table
from pxbridge.formats.output import FORMAT_NAMES
from pxbridge.models import DataTable, TableVariable
from pxbridge.pages import chart
from pxbridge.query.cube import Cube
from pxbridge.query.cubes import select_cube
from pxbridge.query.extract import label
from pxbridge.query.selection import default_selection

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
    for variable in table.variables:
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
                codelists=tuple(
                    (c.id, c.label(lang)) for c in codelists.for_variable(available, variable)
                ),
                codelist=codelist.id if codelist else "",
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
    table: DataTable, cube: Cube, lang_id: str, lists: dict[str, CodeList]
) -> tuple[dict[str, str], str, str]:
    query = _query(table, cube, lists)
    params = (
        [("lang", lang_id)]
        + [
            (f"valuecodes[{code}]", ",".join(f"[{v}]" if "," in v else v for v in values))
            for code, values in query.items()
        ]
        + [(f"codelist[{code}]", c.id) for code, c in lists.items()]
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
            ]
        },
        ensure_ascii=False,
        indent=2,
    )
    return downloads, f"{base}?{urlencode(params)}", body


@bilingual("/tabeller/<table_id>", "/en/tables/<table_id>", twin="pxwebapi.metadata", blueprint=bp)
def table_page(table_id: str) -> Response:
    lang = current_language()
    lang_id = "en" if lang == "en" else "no"
    db = get_session()
    table = service.get_table(db, table_id, now())
    available = codelists.of_table(db, table)
    lists = _chosen_lists(table, available)
    chosen = _requested(table, lists)
    if not any(key.startswith(("v-", "all-")) for key in request.args):
        # Nothing chosen in the form yet (a first visit, or only a code list picked): the default
        # selection, with all of a chosen code list's values.
        chosen = {**default_selection(table.variables), **chosen}
    status, problem, cube = 200, None, None
    try:
        wanted = {code: c.id for code, c in lists.items()}
        cube, _ = select_cube(cube_source(), table, chosen, lang, [], [], wanted, available)
    except PortalError as error:
        if error.status not in (400, 403):
            raise
        status, problem = error.status, error
    context: dict[str, object] = {}
    if cube is not None:
        downloads, get_url, post_body = _api_links(table, cube, lang_id, lists)
        what = label(table, "title", lang)
        drawn = chart.build(cube, what, what)
        if drawn is not None:
            key = "tab.chart_line" if drawn.kind == "line" else "tab.chart_bar"
            drawn = chart.build(cube, what, translate(key, what=what, n=len(drawn.series)))
        rows = max(1, PREVIEW_CELLS // max(1, _row_width(cube)))
        context = {
            "structured_data": _dataset(table, downloads, lang),
            "preview": html_table(cube, OutputParams(labels="text"), max_cells=PREVIEW_CELLS),
            "preview_cut": rows if _row_count(cube) > rows else None,
            "downloads": downloads,
            "api_get": get_url,
            "api_post": post_body,
            "chart": drawn,
        }
    return render_page(
        "tables/table.html",
        status=status,
        twin_url=url_for("pxwebapi.metadata", table_id=table.id, lang=lang_id),
        table=table,
        title=label(table, "title", lang),
        source=label(table, "source", lang),
        fields=_fields(table, chosen, lang, available, lists),
        problem=problem,
        **context,
    )


def _dataset(table: DataTable, downloads: dict[str, str], lang: str) -> object:
    """The page's schema.org Dataset, with one DataDownload per format of the shown selection."""
    from portal.kernel.schema_org import dataset, organization, script

    statistic, producer = table.statistic, table.statistic.producer
    # Periods like 2000M01 or 2025K4 as the years they fall in (ISO 8601 intervals).
    temporal = f"{table.first_period[:4]}/{table.last_period[:4]}" if table.first_period else None
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
            temporal=temporal if temporal and _year_like(table.first_period) else None,
            variables=[(v.label_en if lang == "en" else "") or v.label_nb for v in table.variables],
            downloads=downloads,
            catalog_url=url_for("web.home", _external=True),
        )
    )


def _year_like(period: str) -> bool:
    return len(period) >= 4 and period[:4].isdigit()


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
