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
    # CSV for Norwegian Excel (the table page's download, not a PxWebApi parameter): numbers with a
    # decimal comma and the file opened by a UTF-8 byte-order mark. Needs a separator other than ",".
    decimal_comma: bool = False


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
    exact: bool = False,
) -> list[str]:
    """Each row of ``matrix`` as its cells in fixed-point text (no exponent) joined by ``sep``.

    ``exact`` (the machine exports: CSV, json-px): every cell is its float64 printed shortest-round-trip,
    so each digit the source carries is kept and none is added (``0.86``, ``52.43``, ``17898``); the
    decimals are ignored. Otherwise (what people read: HTML) a cell is rounded to its decimals: from
    ``col_decimals`` (per column), else ``row_decimals`` (per row), else ``decimals``. A symbol cell is
    written as ``symbol_markup(stored symbol)``. ``sep`` must not occur in a formatted number (any of
    ``,`` ``;`` tab space and HTML markup qualify) and must not contain a newline.
    Raises ValueError when ``matrix`` is not two-dimensional.
    """
    if matrix.ndim != 2:
        raise ValueError("matrix must be two-dimensional")
    nrows, ncols = matrix.shape
    if nrows == 0:
        return []
    if exact:
        lines = _exact_lines(matrix, sep)
    else:
        lines = _rounded_lines(matrix, row_decimals, col_decimals, decimals, sep)
    positions, symbols = cells.symbol_cells(matrix)
    patches: dict[int, list[tuple[int, str]]] = {}
    if exact:
        # repr writes an exponent below 1e-4 and from 1e16 up; those few cells are written again.
        size = np.abs(matrix.reshape(-1))
        with np.errstate(invalid="ignore"):
            odd = np.flatnonzero(((size < 1e-4) & (size > 0)) | (size >= 1e16))
        for position in odd.tolist():
            r, c = divmod(position, ncols)
            text = np.format_float_positional(matrix[r, c], unique=True, trim="-")
            patches.setdefault(r, []).append((c, text))
    if symbols:
        markup = {s: symbol_markup(s) for s in set(symbols)}
        for position, symbol in zip(positions.tolist(), symbols, strict=True):
            r, c = divmod(position, ncols)
            patches.setdefault(r, []).append((c, markup[symbol]))
    for r, items in patches.items():
        parts = lines[r].split(sep)
        for c, text in items:
            parts[c] = text
        lines[r] = sep.join(parts)
    return lines


#: Significant digits a number may have for :func:`shortest_decimals` to place it: float64 keeps 15
#: for certain, so one decimal string of at most 15 digits reads back as each such cell.
SHORTEST_DIGITS = 15


def shortest_decimals(values: NDArray[np.float64]) -> NDArray[np.int64] | None:
    """Per cell, the fewest decimals whose fixed-point text reads back as the very float64 (0 for
    17898.0, 2 for 52.43 and 0.86; 0 for a symbol cell), which is what ``repr`` writes without an
    exponent. None when a number needs more than :data:`SHORTEST_DIGITS` significant digits or is
    too large for int64 digit arithmetic; then write it with ``repr``.

    Vectorised: a round of numpy operations per decimal, on the cells still undecided (about four
    rounds for data with up to three decimals)."""
    finite = np.isfinite(values)
    size = np.where(finite, np.abs(values), 0.0)
    if size.size and float(size.max()) >= 10.0**SHORTEST_DIGITS:
        return None
    decimals = np.zeros(values.size, dtype=np.int64)
    todo = np.flatnonzero(np.rint(size) != size)
    limit = 10.0**SHORTEST_DIGITS
    for d in range(1, SHORTEST_DIGITS + 1):
        if todo.size == 0:
            return decimals
        left = size[todo]
        scale = 10.0**d
        scaled = np.rint(left * scale)
        # The division is correctly rounded, so equality means the d-decimal text reads back as it.
        found = (scaled / scale == left) & (scaled < limit)
        decimals[todo[found]] = d
        todo = todo[~found]
    return decimals if todo.size == 0 else None


def fixed_point(
    values: NDArray[np.float64], decimals: NDArray[np.int64], last_in_row: NDArray[np.bool_]
) -> bytes:
    """Cells as ASCII text with ``decimals`` each (no exponent, "-0" written "0"), a symbol cell as
    its stored symbol in double quotes, each cell followed by a space, or a newline where
    ``last_in_row``. Never raises.

    Each cell is laid out in a fixed-width byte matrix (sign, integer digits, point, fraction,
    separator) and a mask drops the unused positions, so no Python code runs per cell: about as fast
    as one %-format per block of rows, and it does not slow down for shortest decimals as ``%r`` does
    (bench/tables_formats.py)."""
    n = values.size
    finite = ~np.isnan(values)
    magnitude = np.where(finite, np.abs(values), 0.0)
    scaled = np.rint(magnitude * np.power(10.0, decimals))
    if n and float(scaled.max()) >= 9.0e18:
        # Too large for int64 digit arithmetic; such tables are vanishingly rare.
        parts = []
        for value, d, last in zip(
            values.tolist(), decimals.tolist(), last_in_row.tolist(), strict=True
        ):
            sym = None if not math.isnan(value) else cells.decode(value)
            parts.append((f'"{sym}"' if sym else f"{value:.{d}f}") + ("\n" if last else " "))
        return "".join(parts).encode("ascii")
    whole_scaled = scaled.astype(np.int64)
    power = np.power(np.int64(10), decimals)
    whole = whole_scaled // power
    fraction = whole_scaled % power
    int_width = max(len(str(int(whole.max()))) if n else 1, 8)
    frac_width = int(decimals.max()) if n else 0
    width = 1 + int_width + (1 + frac_width if frac_width else 0) + 1
    matrix = np.zeros((n, width), dtype=np.uint8)
    mask = np.zeros((n, width), dtype=np.bool_)
    matrix[:, 0] = ord("-")
    mask[:, 0] = (values < 0) & (whole_scaled > 0)
    rest = whole.copy()
    for j in range(int_width):
        col = int_width - j
        matrix[:, col] = (rest % 10 + 48).astype(np.uint8)
        rest //= 10
        mask[:, col] = whole >= 10**j if j else True
    if frac_width:
        dot = int_width + 1
        matrix[:, dot] = ord(".")
        mask[:, dot] = decimals > 0
        padded = fraction * np.power(np.int64(10), frac_width - decimals)
        for k in range(frac_width):
            col = dot + 1 + k
            matrix[:, col] = (padded // 10 ** (frac_width - 1 - k) % 10 + 48).astype(np.uint8)
            mask[:, col] = decimals > k
    matrix[:, -1] = np.where(last_in_row, ord("\n"), ord(" "))
    mask[:, -1] = True
    positions, symbols = cells.symbol_cells(values)
    if positions.size:
        mask[positions, :-1] = False
        for symbol in set(symbols):
            rows = positions[np.asarray(symbols) == symbol]
            text = f'"{symbol}"'.encode("ascii")
            matrix[np.ix_(rows, np.arange(1, 1 + len(text)))] = np.frombuffer(text, np.uint8)
            mask[rows, 1 : 1 + len(text)] = True
    return matrix[mask].tobytes()


def _rows_per_block(ncols: int) -> int:
    # One %-format per block of rows, so C does the per-cell work; a 2-D ``tolist`` or a format
    # per row costs more than the formatting itself once there are many short rows.
    return max(1, _BLOCK_CELLS // max(ncols, 1))


def _exact_lines(matrix: NDArray[np.float64], sep: str) -> list[str]:
    """The rows with each cell written shortest-round-trip without an exponent: per block of rows,
    with each cell's fewest decimals (:func:`shortest_decimals`, :func:`fixed_point`), or as ``repr``
    writes it, less a trailing ``.0``, for a block with a number of more than 15 significant digits
    (whose exponents :func:`format_lines` then writes out)."""
    nrows, ncols = matrix.shape
    if ncols == 0:
        return [""] * nrows
    # Adding 0.0 turns -0.0 into 0.0, so no cell is written "-0".
    flat = (matrix + 0.0).reshape(-1)
    row = sep.join(["%r"] * ncols)
    per_block = _rows_per_block(ncols)
    lines: list[str] = []
    for start in range(0, nrows, per_block):
        stop = min(nrows, start + per_block)
        cells_in = flat[start * ncols : stop * ncols]
        decimals = shortest_decimals(cells_in)
        if decimals is not None:
            last = (np.arange(1, cells_in.size + 1) % ncols) == 0
            text = fixed_point(cells_in, decimals, last).decode("ascii")
            lines += (text if sep == " " else text.replace(" ", sep))[:-1].split("\n")
            continue
        block = "\n".join([row] * (stop - start)) % tuple(cells_in.tolist())
        # repr ends a whole number in ".0" and no other number in "0", so this drops only those.
        block = block.replace(".0" + sep, sep).replace(".0\n", "\n")
        if block.endswith(".0"):
            block = block[:-2]
        lines += block.split("\n")
    return lines


def _rounded_lines(
    matrix: NDArray[np.float64],
    row_decimals: NDArray[np.int64] | None,
    col_decimals: NDArray[np.int64] | None,
    decimals: int,
    sep: str,
) -> list[str]:
    """The rows with each cell rounded to its decimals (see :func:`format_lines`)."""
    nrows, ncols = matrix.shape
    if col_decimals is not None:
        threshold: NDArray[np.float64] | float = 0.5 * np.power(10.0, -col_decimals)[None, :]
    elif row_decimals is not None:
        threshold = 0.5 * np.power(10.0, -row_decimals)[:, None]
    else:
        threshold = 0.5 * 10.0**-decimals
    # Negative values that round to zero (and -0.0 itself) would print as "-0"; write them as "0".
    clean = np.where((matrix <= 0) & (matrix > -threshold), 0.0, matrix)
    flat = clean.reshape(-1)
    if col_decimals is not None:
        fmts = {None: sep.join(f"%.{d}f" for d in col_decimals.tolist())}
    elif row_decimals is not None:
        fmts = {d: sep.join([f"%.{d}f"] * ncols) for d in set(row_decimals.tolist())}
    else:
        fmts = {None: sep.join([f"%.{decimals}f"] * ncols)}
    per_block = _rows_per_block(ncols)
    lines: list[str] = []
    for start in range(0, nrows, per_block):
        stop = min(nrows, start + per_block)
        if row_decimals is not None:
            block = "\n".join([fmts[d] for d in row_decimals[start:stop].tolist()])
        else:
            block = "\n".join([fmts[None]] * (stop - start))
        lines += (block % tuple(flat[start * ncols : stop * ncols].tolist())).split("\n")
    return lines


def cube_lines(
    cube: Cube, sep: str, symbol_markup: Callable[[str], str], *, exact: bool = False
) -> list[str]:
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
        exact=exact,
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
