"""The KEYS layout of a PX file's DATA (sparse data): each row names its stub values, then gives the
row's cells; rows left out are zeros. Read into the dense cells the rest of the bridge keeps.

The specification (scb.se, "Data in the PX-file"): for every variable in the stub the row gives
its value, quoted and comma separated, VALUES' text or, with ``KEYS("var")=CODES``, its code; then
every cell of the row, space separated. Rows that only hold zeros are left out of the file. PxWeb
(PCAxis.Core, PXFileParser.ParseKeysData) reads it the same way, zeros for the rows left out; it
needs the rows in the stub's order, here any order is read and a row given twice is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO

import numpy as np
from numpy.typing import NDArray

from pxbridge.ingest.px_data import convert_cells
from pxbridge.ingest.px_tokens import PxWarning, fail

_TOKEN = re.compile(r'"([^"\n]*)"|([^\s,;"]+)|(;)|(")')


def read_keys_data(
    head: bytes,
    stream: IO[bytes],
    codec: str,
    line: int,
    keys: Sequence[tuple[str, Sequence[str]]],
    row_cells: int,
    warnings: list[PxWarning],
) -> NDArray[np.float64]:
    """The dense cells of a KEYS DATA block starting with ``head`` and going on in ``stream``.

    ``keys``: for each stub variable, in order, its name and the texts its rows are keyed by (its
    VALUES or CODES); ``row_cells``: the cells of one row (the heading's). The whole block is read
    into memory (KEYS files are the small, sparse ones). Raises BadRequest naming the line: a key
    that is no value of its variable, a row given twice or cut short, a bad cell, text after the
    ``;``. DATA without a final ``;`` is read to the end of the file, with a warning, as PxWeb does.
    """
    body = (head + stream.read()).decode(codec, "replace")
    shape = [len(texts) for _, texts in keys]
    rows = int(np.prod(shape)) if shape else 1
    out = np.zeros(rows * row_cells, dtype=np.float64)
    lookups = [{text: n for n, text in enumerate(texts)} for _, texts in keys]
    strides = [int(np.prod(shape[k + 1 :])) for k in range(len(shape))]
    seen: set[int] = set()
    at, last = line, 0
    key_no, row, row_line = 0, 0, line
    cells: list[str] = []
    ended = False
    for match in _TOKEN.finditer(body):
        at += body.count("\n", last, match.start())
        last = match.start()
        quoted, bare, semicolon, stray = match.groups()
        if stray is not None:
            raise fail(at, "imp.px.unterminated_quote", keyword="DATA")
        if semicolon is not None:
            tail = body[match.end() :]
            if tail.strip(" \t\r\n\x00\x1a"):
                raise fail(at, "imp.px.data_trailing")
            ended = True
            break
        if key_no < len(keys):
            name, _ = keys[key_no]
            if quoted is None:
                raise fail(at, "imp.px.keys_row_start", name=name)
            position = lookups[key_no].get(quoted)
            if position is None:
                raise fail(at, "imp.px.keys_unknown_value", quoted=quoted, name=name)
            if key_no == 0:
                row_line = at
            row += position * strides[key_no]
            key_no += 1
            continue
        cells.append(f'"{quoted}"' if quoted is not None else bare)
        if len(cells) == row_cells:
            _place(out, row, row_cells, cells, seen, row_line, line)
            key_no, row, cells = 0, 0, []
    if key_no or cells:
        raise fail(at, "imp.px.keys_last_row", cells=len(cells), row_cells=row_cells)
    if not ended:
        warnings.append(PxWarning.said(at, "DATA", "imp.px.w.data_unterminated"))
    if len(seen) < rows:
        missing = rows - len(seen)
        warnings.append(
            PxWarning.said(line, "DATA", "imp.px.w.keys_rows_missing", missing=missing, rows=rows)
        )
    return out


def _place(
    out: NDArray[np.float64],
    row: int,
    row_cells: int,
    cells: list[str],
    seen: set[int],
    row_line: int,
    data_line: int,
) -> None:
    if row in seen:
        raise fail(row_line, "imp.px.keys_row_twice")
    seen.add(row)
    values = convert_cells(" ".join(cells).encode("ascii", "replace"), row_line, data_line)
    out[row * row_cells : (row + 1) * row_cells] = values
