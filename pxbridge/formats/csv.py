"""PxWebApi's wide CSV: stub value labels then one column per combination of heading values."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pxbridge.formats import (
    cube_lines,
    joined_combinations,
    symbol_text,
    value_labels,
)
from pxbridge.query.cube import Cube

if TYPE_CHECKING:
    from pxbridge.formats import OutputParams

# RFC 4180 line ends; csv readers and spreadsheets accept them everywhere.
_EOL = "\r\n"


def _escape(text: str) -> str:
    return text.replace('"', '""')


def quote(text: str) -> str:
    """A CSV field in double quotes, inner quotes doubled."""
    return '"' + _escape(text) + '"'


def render_text(cube: Cube, params: OutputParams) -> str:
    """The CSV as text (see :func:`render`); never raises for a well-formed cube."""
    sep = params.separator
    lines: list[str] = []
    if params.include_title:
        # PCAxis.Serializers writes the title, then an empty line, before the header.
        lines += [quote(cube.title), ""]
    header = [quote(d.label) for d in cube.dimensions[: cube.stub]]
    # Escaping each dimension's labels before combining them saves a call per column.
    heading = cube.dimensions[cube.stub :]
    escaped = (
        joined_combinations(
            [[_escape(label) for label in value_labels(d, params.labels)] for d in heading], " "
        )
        if heading
        else [_escape(cube.title)]
    )
    header.append('"' + f'"{sep}"'.join(escaped) + '"')
    lines.append(sep.join(header))
    cells = cube_lines(cube, sep, lambda s: quote(symbol_text(cube, s)), exact=True)
    if params.decimal_comma:
        cells = [_decimal_comma(line, sep) for line in cells]
    if cube.stub:
        stub = [
            [quote(label) for label in value_labels(d, params.labels)]
            for d in cube.dimensions[: cube.stub]
        ]
        prefixes = joined_combinations(stub, sep)
        lines += [prefix + sep + line for prefix, line in zip(prefixes, cells, strict=True)]
    else:
        lines += cells
    return _EOL.join(lines) + _EOL


_NUMBER = re.compile(r"-?[0-9]+\.[0-9]+")


def _decimal_comma(line: str, sep: str) -> str:
    """A line of cells with its numbers' decimal points as commas ("155,1"); symbol cells (quoted
    text) as they are."""
    return sep.join(
        cell.replace(".", ",") if _NUMBER.fullmatch(cell) else cell for cell in line.split(sep)
    )


def render(cube: Cube, params: OutputParams) -> bytes:
    """The cube as UTF-8 CSV: a header row of quoted stub dimension labels and heading-value
    labels, then per stub row its quoted value labels and the cells.

    Numbers are unquoted, "." decimal, with every digit the stored cell carries (its metric's
    decimals are for people, and travel in the metadata; issue 21); a symbol cell is its shown
    text, quoted. With ``include_title`` the quoted title and an empty line come first. Never
    raises for a well-formed cube.
    """
    text = render_text(cube, params)
    # Excel reads a CSV without a byte-order mark as Windows-1252 ("Ã¸" for "ø").
    return ("\ufeff" + text if params.decimal_comma else text).encode("utf-8")
