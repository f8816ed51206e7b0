"""Output formats for a :class:`~pxbridge.query.cube.Cube`: a registry of serialisers and their parameters.

Each :class:`Format` turns a cube into bytes. :data:`FORMATS` maps the PxWebApi ``outputFormat``
name to its format; more formats are added by inserting entries (``FORMATS["px"] = Format(...)``).
:func:`parse_output_params` validates ``outputFormatParams`` for a format.

The helpers shared by the serialisers (labels, decimals, the vectorised number formatting) live
here too, before the serialisers are imported at the bottom of this module.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from portal.kernel.errors import BadRequest
from pxbridge.query.cube import Cube, Dimension
from pxbridge.store import cells

#: Between a code and its text in "code_text" labels; PCAxis.Serializers writes "{code} - {text}".
CODE_TEXT_JOINER = " - "

# Cells formatted per %-operation in :func:`format_lines`.
_BLOCK_CELLS = 1 << 16

_LABEL_PARAMS = {"usecodes": "code", "usetexts": "text", "usecodesandtexts": "code_text"}
_SEPARATOR_PARAMS = {"separatortab": "\t", "separatorspace": " ", "separatorsemicolon": ";"}
_TITLE_PARAM = "includetitle"
_LABEL_FORMATS = frozenset({"csv", "html", "xlsx"})
_SEPARATOR_FORMATS = frozenset({"csv"})
_CANONICAL = {
    "usecodes": "UseCodes",
    "usetexts": "UseTexts",
    "usecodesandtexts": "UseCodesAndTexts",
    "includetitle": "IncludeTitle",
    "separatortab": "SeparatorTab",
    "separatorspace": "SeparatorSpace",
    "separatorsemicolon": "SeparatorSemicolon",
}


@dataclass(frozen=True)
class OutputParams:
    """How a table is laid out: value labels, the CSV separator and whether to add the title."""

    labels: str = "code"  # "code", "text" or "code_text"
    separator: str = ","
    include_title: bool = False


@dataclass(frozen=True)
class Format:
    """One output format: its PxWebApi name, HTTP content type, file suffix and serialiser."""

    name: str
    content_type: str
    suffix: str
    render: Callable[[Cube, OutputParams], bytes]


def _unsupported(detail: str) -> BadRequest:
    return BadRequest(f"Unsupported output format parameters: {detail}")


def parse_output_params(raw: Sequence[str], format_name: str) -> OutputParams:
    """The :class:`OutputParams` that PxWebApi ``outputFormatParams`` ask for with ``format_name``.

    Names match case-insensitively; items are trimmed and empty items skipped. Raises BadRequest
    ("Unsupported output format parameters …") for an unknown parameter, a parameter that does not
    apply to the format (Use*/IncludeTitle only for csv, html and xlsx; Separator* only for csv),
    or two different Use* or Separator* parameters.
    """
    fmt = format_name.strip().lower()
    labels: str | None = None
    separator: str | None = None
    include_title = False
    for item in raw:
        key = item.strip().lower()
        if not key:
            continue
        if key not in _CANONICAL:
            raise _unsupported(f"{item.strip()!r} is not an output format parameter")
        name = _CANONICAL[key]
        if key in _SEPARATOR_PARAMS:
            if fmt not in _SEPARATOR_FORMATS:
                raise _unsupported(f"{name} does not apply to {format_name}")
            if separator is not None and separator != _SEPARATOR_PARAMS[key]:
                raise _unsupported("only one of SeparatorTab, SeparatorSpace, SeparatorSemicolon")
            separator = _SEPARATOR_PARAMS[key]
            continue
        if fmt not in _LABEL_FORMATS:
            raise _unsupported(f"{name} does not apply to {format_name}")
        if key == _TITLE_PARAM:
            include_title = True
            continue
        if labels is not None and labels != _LABEL_PARAMS[key]:
            raise _unsupported("only one of UseCodes, UseTexts, UseCodesAndTexts")
        labels = _LABEL_PARAMS[key]
    return OutputParams(
        labels=labels or "code", separator=separator or ",", include_title=include_title
    )


# --- helpers shared by the serialisers ------------------------------------------------------


def value_labels(dimension: Dimension, mode: str) -> list[str]:
    """The labels of a dimension's selected values for ``mode`` ("code", "text", "code_text")."""
    if mode == "text":
        return list(dimension.labels)
    if mode == "code_text":
        return [
            f"{c}{CODE_TEXT_JOINER}{t}"
            for c, t in zip(dimension.codes, dimension.labels, strict=True)
        ]
    return list(dimension.codes)


def split_sizes(cube: Cube) -> tuple[int, int]:
    """How many rows (stub combinations) and columns (heading combinations) the table has."""
    sizes = cube.sizes
    return math.prod(sizes[: cube.stub]), math.prod(sizes[cube.stub :])


def heading_levels(cube: Cube, mode: str) -> list[list[str]]:
    """Per heading dimension, the label of every column; a table without a heading has one
    column labelled with its title (as PCAxis.Serializers does)."""
    heading = cube.dimensions[cube.stub :]
    if not heading:
        return [[cube.title]]
    sizes = [len(d.codes) for d in heading]
    levels = []
    for j, dim in enumerate(heading):
        inner, outer = math.prod(sizes[j + 1 :]), math.prod(sizes[:j])
        levels.append([label for label in value_labels(dim, mode) for _ in range(inner)] * outer)
    return levels


def joined_combinations(parts: Sequence[Sequence[str]], sep: str) -> list[str]:
    """Every combination of one string from each of ``parts`` (last fastest), joined by ``sep``.

    Built by concatenating one level at a time, which is several times faster than joining
    ``itertools.product`` tuples for a million combinations. No parts gives one empty string.
    """
    if not parts:
        return [""]
    out = list(parts[0])
    for level in parts[1:]:
        out = [head + sep + item for head in out for item in level]
    return out


def heading_labels(cube: Cube, mode: str) -> list[str]:
    """One label per column: the heading values' labels joined by a space."""
    heading = cube.dimensions[cube.stub :]
    if not heading:
        return [cube.title]
    return joined_combinations([value_labels(d, mode) for d in heading], " ")


def stub_rows(cube: Cube, mode: str) -> Iterator[tuple[str, ...]]:
    """The stub value labels of every row, in row order (last stub dimension fastest)."""
    return itertools.product(*(value_labels(d, mode) for d in cube.dimensions[: cube.stub]))


def decimals_over(cube: Cube, start: int, stop: int) -> NDArray[np.int64] | None:
    """Decimals of each combination of ``dimensions[start:stop]`` (row-major), or None when the
    metric dimension is not among them (then every cell has ``cube.unit_of(None).decimals``)."""
    metric = cube.metric_index()
    if metric is None or not start <= metric < stop:
        return None
    sizes = cube.sizes
    dim = cube.dimensions[metric]
    per_value = np.array([cube.unit_of(code).decimals for code in dim.codes], dtype=np.int64)
    count = math.prod(sizes[start:stop])
    inner = math.prod(sizes[metric + 1 : stop])
    positions = (np.arange(count, dtype=np.int64) // max(inner, 1)) % max(sizes[metric], 1)
    out: NDArray[np.int64] = per_value[positions] if per_value.size else positions
    return out


def symbol_text(cube: Cube, symbol: str) -> str:
    """The text shown for a stored data symbol."""
    return cube.symbols.get(symbol, symbol)


def format_lines(
    matrix: NDArray[np.float64],
    *,
    row_decimals: NDArray[np.int64] | None,
    col_decimals: NDArray[np.int64] | None,
    decimals: int,
    sep: str,
    symbol_markup: Callable[[str], str],
) -> list[str]:
    """Each row of ``matrix`` as its cells in fixed-point text (no exponent) joined by ``sep``.

    A cell's decimals come from ``col_decimals`` (per column), else ``row_decimals`` (per row),
    else ``decimals``. A symbol cell is written as ``symbol_markup(stored symbol)``. ``sep`` must
    not occur in a formatted number (any of ``,`` ``;`` tab space and HTML markup qualify) and
    must not contain a newline.
    Raises ValueError when ``matrix`` is not two-dimensional.
    """
    if matrix.ndim != 2:
        raise ValueError("matrix must be two-dimensional")
    nrows, ncols = matrix.shape
    if nrows == 0:
        return []
    if col_decimals is not None:
        threshold: NDArray[np.float64] | float = 0.5 * np.power(10.0, -col_decimals)[None, :]
    elif row_decimals is not None:
        threshold = 0.5 * np.power(10.0, -row_decimals)[:, None]
    else:
        threshold = 0.5 * 10.0**-decimals
    # Negative values that round to zero would print as "-0"; write them as "0".
    clean = np.where((matrix < 0) & (matrix > -threshold), 0.0, matrix)
    flat = clean.reshape(-1)
    if col_decimals is not None:
        fmts = {None: sep.join(f"%.{d}f" for d in col_decimals.tolist())}
    elif row_decimals is not None:
        fmts = {d: sep.join([f"%.{d}f"] * ncols) for d in set(row_decimals.tolist())}
    else:
        fmts = {None: sep.join([f"%.{decimals}f"] * ncols)}
    # One %-format per block of rows, so C does the per-cell work; a 2-D ``tolist`` or a format
    # per row costs more than the formatting itself once there are many short rows.
    per_block = max(1, _BLOCK_CELLS // max(ncols, 1))
    lines: list[str] = []
    for start in range(0, nrows, per_block):
        stop = min(nrows, start + per_block)
        if row_decimals is not None:
            block = "\n".join([fmts[d] for d in row_decimals[start:stop].tolist()])
        else:
            block = "\n".join([fmts[None]] * (stop - start))
        lines += (block % tuple(flat[start * ncols : stop * ncols].tolist())).split("\n")
    positions, symbols = cells.symbol_cells(matrix)
    if symbols:
        by_row: dict[int, list[tuple[int, str]]] = {}
        markup = {s: symbol_markup(s) for s in set(symbols)}
        for position, symbol in zip(positions.tolist(), symbols, strict=True):
            r, c = divmod(position, ncols)
            by_row.setdefault(r, []).append((c, markup[symbol]))
        for r, items in by_row.items():
            parts = lines[r].split(sep)
            for c, text in items:
                parts[c] = text
            lines[r] = sep.join(parts)
    return lines


def cube_lines(cube: Cube, sep: str, symbol_markup: Callable[[str], str]) -> list[str]:
    """Each stub row of the cube as formatted cells joined by ``sep`` (see :func:`format_lines`)."""
    nrows, ncols = split_sizes(cube)
    n = len(cube.dimensions)
    return format_lines(
        cube.values.reshape(nrows, ncols),
        row_decimals=decimals_over(cube, 0, cube.stub),
        col_decimals=decimals_over(cube, cube.stub, n),
        decimals=cube.unit_of(None).decimals,
        sep=sep,
        symbol_markup=symbol_markup,
    )


# The serialisers import the helpers above, so they are imported once those exist.
from pxbridge.formats import csv, html, jsonpx, parquet, xlsx  # noqa: E402

FORMATS: dict[str, Format] = {
    "csv": Format("csv", "text/csv; charset=utf-8", ".csv", csv.render),
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        xlsx.render,
    ),
    "html": Format("html", "text/html; charset=utf-8", ".html", html.to_html),
    "json-px": Format("json-px", "application/json; charset=utf-8", ".json", jsonpx.render),
    "parquet": Format("parquet", "application/octet-stream", ".parquet", parquet.render),
}

__all__ = [
    "CODE_TEXT_JOINER",
    "FORMATS",
    "Format",
    "OutputParams",
    "parse_output_params",
]
