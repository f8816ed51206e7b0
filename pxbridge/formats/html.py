"""An accessible HTML table of a cube, and a standalone HTML5 document around it."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

from markupsafe import escape

from pxbridge.formats import (
    decimals_over,
    format_lines,
    heading_levels,
    split_sizes,
    stub_rows,
    symbol_text,
    value_labels,
)
from pxbridge.query.cube import Cube

if TYPE_CHECKING:
    from pxbridge.formats import OutputParams

#: What the standard PX data symbols mean, for the ``<abbr title>`` of a symbol cell.
SYMBOL_MEANINGS: dict[str, dict[str, str]] = {
    "nb": {
        ".": "Ikke mulig å oppgi tall",
        "..": "Tallgrunnlag mangler",
        "...": "Oppgave mangler",
        ":": "Tall kan ikke offentliggjøres",
        "-": "Null",
    },
    "en": {
        ".": "Not applicable",
        "..": "Data not available",
        "...": "Data not yet available",
        ":": "Not for publication",
        "-": "Nil",
    },
}

_WORDS = {
    "nb": {"source": "Kilde", "updated": "Oppdatert"},
    "en": {"source": "Source", "updated": "Updated"},
}

_TD = '<td class="num">'
_CELL_SEP = "</td>" + _TD

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem}"
    "table{border-collapse:collapse}"
    "caption{font-weight:bold;text-align:left;padding:.25rem 0}"
    "th,td{border:1px solid #bbb;padding:.2rem .45rem}"
    "thead th{background:#f2f2f2}"
    "th[scope=row]{text-align:left;font-weight:normal}"
    ".num{text-align:right;font-variant-numeric:tabular-nums}"
    "abbr{text-decoration:none;cursor:help}"
)


def _symbol_markup(cube: Cube, symbol: str) -> str:
    text = escape(symbol_text(cube, symbol))
    meaning = SYMBOL_MEANINGS.get(cube.language, SYMBOL_MEANINGS["en"]).get(symbol)
    if meaning is None:
        return str(text)
    return f'<abbr title="{escape(meaning)}">{text}</abbr>'


def _attr(name: str, value: int) -> str:
    return f' {name}="{value}"' if value > 1 else ""


def html_table(cube: Cube, params: OutputParams, *, max_cells: int | None = None) -> str:
    """The cube as an HTML ``<table>`` fragment with header scopes for screen readers.

    ``<caption>`` is the title; ``<thead>`` has one row per heading dimension (spanning values get
    ``colspan``) led by a ``<th scope="col">`` per stub dimension; each body row has a
    ``<th scope="row">`` per stub value and ``<td class="num">`` cells, a symbol cell wrapped in
    ``<abbr title="meaning">`` when the symbol has a standard meaning. With ``max_cells`` only as
    many whole rows as fit (at least one) are rendered. All text is escaped. Never raises for a
    well-formed cube.
    """
    stub = cube.dimensions[: cube.stub]
    heading = cube.dimensions[cube.stub :]
    nrows, ncols = split_sizes(cube)
    shown = nrows if max_cells is None else min(nrows, max(1, max_cells // max(ncols, 1)))
    out = ["<table>", f"<caption>{escape(cube.title)}</caption>", "<thead>"]
    levels = len(heading) or 1
    lead = "".join(
        f'<th scope="col"{_attr("rowspan", levels)}>{escape(d.label)}</th>' for d in stub
    )
    if heading:
        sizes = [len(d.codes) for d in heading]
        for j, dim in enumerate(heading):
            span = math.prod(sizes[j + 1 :])
            repeat = math.prod(sizes[:j])
            labels = [
                f'<th scope="col"{_attr("colspan", span)}>{escape(label)}</th>'
                for label in value_labels(dim, params.labels)
            ]
            out.append("<tr>" + (lead if j == 0 else "") + "".join(labels * repeat) + "</tr>")
    else:
        title = heading_levels(cube, params.labels)[0][0]
        out.append(f'<tr>{lead}<th scope="col">{escape(title)}</th></tr>')
    out += ["</thead>", "<tbody>"]
    lines = format_lines(
        cube.values.reshape(nrows, ncols)[:shown],
        row_decimals=None if (d := decimals_over(cube, 0, cube.stub)) is None else d[:shown],
        col_decimals=decimals_over(cube, cube.stub, len(cube.dimensions)),
        decimals=cube.unit_of(None).decimals,
        sep=_CELL_SEP,
        symbol_markup=lambda s: _symbol_markup(cube, s),
    )
    rows = itertools.islice(stub_rows(cube, params.labels), shown) if stub else itertools.repeat(())
    # Without a stub ``rows`` repeats the empty tuple, so the lines set the length.
    for row_labels, line in zip(rows, lines, strict=False):
        head = "".join(f'<th scope="row">{escape(label)}</th>' for label in row_labels)
        cells = f"{_TD}{line}</td>" if ncols else ""
        out.append(f"<tr>{head}{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def to_html(cube: Cube, params: OutputParams) -> bytes:
    """The cube as a standalone UTF-8 HTML5 document: title, :func:`html_table` and source line.

    Never raises for a well-formed cube.
    """
    words = _WORDS.get(cube.language, _WORDS["en"])
    foot = (
        [f'<p class="source">{words["source"]}: {escape(cube.source)}</p>'] if cube.source else []
    )
    if cube.updated is not None:
        stamp = cube.updated.date().isoformat()
        foot.append(
            f'<p class="updated">{words["updated"]}: <time datetime="{stamp}">{stamp}</time></p>'
        )
    document = "\n".join(
        [
            "<!doctype html>",
            f'<html lang="{escape(cube.language)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(cube.title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            "<main>",
            html_table(cube, params),
            *foot,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
    return document.encode("utf-8")
