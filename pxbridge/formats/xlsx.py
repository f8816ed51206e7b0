"""The cube as an Excel workbook: title, a header block like the CSV's, numbers as numbers."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import xlsxwriter

from portal.kernel.errors import BadRequest
from pxbridge.formats import decimals_over, heading_levels, split_sizes, stub_rows, symbol_text
from pxbridge.query.cube import Cube
from pxbridge.store import cells

# The creation time written into the workbook of a cube that has no update time: a fixed date.
_NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)

if TYPE_CHECKING:
    from pxbridge.formats import OutputParams

# Excel's worksheet limits.
MAX_ROWS = 1_048_576
MAX_COLS = 16_384

_WORDS = {
    "nb": {"source": "Kilde", "updated": "Oppdatert", "unit": "Enhet", "note": "Fotnote"},
    "en": {"source": "Source", "updated": "Updated", "unit": "Unit", "note": "Footnote"},
}


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def render(cube: Cube, params: OutputParams) -> bytes:
    """The cube as an .xlsx workbook with one worksheet.

    Row 1 holds the title; then one header row per heading dimension (the last also names the
    stub dimensions); then per stub row its value labels and the cells: numbers as numbers with
    a number format of their metric's decimals, symbols as their shown text; the source, the update,
    each contents value's unit and the table's footnotes follow. The title is always written (``include_title`` is accepted for compatibility).
    Raises BadRequest when the table does not fit in a worksheet.
    """
    nrows, ncols = split_sizes(cube)
    levels = heading_levels(cube, params.labels)
    top = 2  # title, empty row
    first_data = top + len(levels)
    footer = _footer(cube)
    footer_rows = 1 + len(footer)
    if first_data + nrows + footer_rows > MAX_ROWS or cube.stub + ncols > MAX_COLS:
        raise BadRequest(
            f"Too many rows or columns for an xlsx worksheet ({nrows} rows, {ncols} columns)"
        )
    buffer = io.BytesIO()
    workbook: Any = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "in_memory": True, "strings_to_numbers": False}
    )
    # The same cube gives the same bytes (a whole-table file's checksum is its ETag on every machine):
    # the document's creation time is the table's last update, not the clock's.
    created = cube.updated.astimezone(UTC) if cube.updated is not None else _NO_DATE
    workbook.set_properties({"created": created.replace(tzinfo=None)})
    # Excel forbids these characters and more than 31 characters in a sheet name.
    name = re.sub(r"[\[\]:*?/\\]", "_", cube.table_id)[:31] or "Tabell"
    sheet: Any = workbook.add_worksheet(name)
    bold = workbook.add_format({"bold": True})
    title_format = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format({"bold": True, "align": "right"})
    symbol_format = workbook.add_format({"align": "right"})
    number_formats: dict[int, Any] = {}

    def number_format(decimals: int) -> Any:
        if decimals not in number_formats:
            number_formats[decimals] = workbook.add_format({"num_format": _number_format(decimals)})
        return number_formats[decimals]

    stub = cube.dimensions[: cube.stub]
    for col, dim in enumerate(stub):
        width = max([len(dim.label), *(len(label) for label in dim.labels), 8])
        sheet.set_column(col, col, min(width + 2, 60))
    if ncols:
        sheet.set_column(cube.stub, cube.stub + ncols - 1, 12)
    sheet.freeze_panes(first_data, cube.stub)

    sheet.write_string(0, 0, cube.title, title_format)
    for j, labels in enumerate(levels):
        row = top + j
        if j == len(levels) - 1:
            for col, dim in enumerate(stub):
                sheet.write_string(row, col, dim.label, bold)
        for c, label in enumerate(labels):
            sheet.write_string(row, cube.stub + c, label, header)

    n = len(cube.dimensions)
    row_decimals = decimals_over(cube, 0, cube.stub)
    col_decimals = decimals_over(cube, cube.stub, n)
    default = cube.unit_of(None).decimals
    col_formats = (
        None if col_decimals is None else [number_format(d) for d in col_decimals.tolist()]
    )
    matrix = cube.values.reshape(nrows, ncols)
    positions, symbols = cells.symbol_cells(matrix)
    symbol_at = {
        int(p): symbol_text(cube, s) for p, s in zip(positions.tolist(), symbols, strict=True)
    }
    finite = ~np.isnan(matrix)
    rows = stub_rows(cube, params.labels) if stub else iter([()])
    for r, row_labels in zip(range(nrows), rows, strict=True):
        row = first_data + r
        for col, label in enumerate(row_labels):
            sheet.write_string(row, col, label)
        values = matrix[r].tolist()
        ok = finite[r].tolist()
        if col_formats is None:
            fmt = number_format(default if row_decimals is None else int(row_decimals[r]))
            formats = [fmt] * ncols
        else:
            formats = col_formats
        base = r * ncols
        for c in range(ncols):
            if ok[c]:
                sheet.write_number(row, cube.stub + c, values[c], formats[c])
            else:
                sheet.write_string(row, cube.stub + c, symbol_at[base + c], symbol_format)

    foot = first_data + nrows + 1
    for i, line in enumerate(footer):
        sheet.write_string(foot + i, 0, line)
    workbook.close()
    return buffer.getvalue()


def _footer(cube: Cube) -> list[str]:
    """The lines under the table: its source, when it was updated, each contents value's unit and
    the table's footnotes, in the cube's language."""
    words = _WORDS.get(cube.language, _WORDS["en"])
    lines = [f"{words['source']}: {cube.source}"]
    if cube.updated is not None:
        lines.append(f"{words['updated']}: {cube.updated.date().isoformat()}")
    lines += [
        f"{words['unit']}: {what}: {unit}" if what else f"{words['unit']}: {unit}"
        for what, unit in cube.labelled_units()
    ]
    lines += [f"{words['note']}: {note}" for note in cube.notes]
    return lines
