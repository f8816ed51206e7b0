"""JSON-stat 2.0 as PxWebApi 2.0 writes it (its specification: github.com/PxTools/PxApiSpecs), streamed.

The header is a small dict serialised once; the value array is written straight from the selected
float64 cells by orjson in chunks (a symbol cell is a NaN, which orjson writes as null), and the symbols
go to ``status``. So a full 10-million-cell answer costs little more than serialising its bare value
array (bench/tables_jsonstat.py) and never holds a second copy of it.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

import numpy as np
import orjson

from pxbridge.query.cube import Cube

# Cells per serialised piece: small enough that a piece and its copy stay a few MB (peak memory).
CHUNK = 1 << 17
CONTENT_TYPE = "application/json; charset=UTF-8"
_ZERO = timedelta(0)


def _updated(cube: Cube) -> str | None:
    """``updated`` in UTC as PxWebApi writes it, ``2025-11-01T07:00:00Z`` (formatted by hand: strftime
    and a needless time zone conversion cost more than the rest of the header, bench/tables_jsonstat.py)."""
    u = cube.updated
    if u is None:
        return None
    if u.utcoffset() != _ZERO:
        u = u.astimezone(UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def dataset(
    cube: Cube, *, codelists: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """The dataset without ``value`` and ``status``: ids, sizes, roles, dimensions, extension."""
    roles: dict[str, list[str]] = {}
    dimensions: dict[str, Any] = {}
    for dim in cube.dimensions:
        if dim.role:
            roles.setdefault(dim.role, []).append(dim.code)
        category: dict[str, Any] = {
            "index": dict(zip(dim.codes, range(len(dim.codes)), strict=True)),
            "label": dict(zip(dim.codes, dim.labels, strict=True)),
        }
        if dim.value_notes:
            category["note"] = {code: list(notes) for code, notes in dim.value_notes.items()}
        if dim.role == "metric":
            category["unit"] = {
                code: {"base": cube.unit_of(code).base, "decimals": cube.unit_of(code).decimals}
                for code in dim.codes
            }
        lists = (codelists or {}).get(dim.code, [])
        entry: dict[str, Any] = {"label": dim.label, "category": category}
        if dim.notes:
            entry["note"] = list(dim.notes)
        # Both spellings: the spec's `codelists` and the older `codeLists` that pxwebpy reads.
        entry["extension"] = {
            "elimination": dim.elimination,
            "show": dim.show,
            "codelists": lists,
            "codeLists": lists,
        }
        dimensions[dim.code] = entry
    body: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": cube.title,
        "source": cube.source,
    }
    updated = _updated(cube)
    if updated:
        body["updated"] = updated
    if cube.notes:
        body["note"] = list(cube.notes)
    if roles:
        body["role"] = roles
    body["id"] = [d.code for d in cube.dimensions]
    body["size"] = list(cube.sizes)
    body["dimension"] = dimensions
    body["extension"] = {
        "px": {
            "tableid": cube.table_id,
            "decimals": cube.decimals,
            "official-statistics": cube.official,
            "aggregallowed": cube.aggregallowed,
            "language": cube.language,
            "matrix": cube.matrix,
            "subject-code": cube.subject_code,
            "stub": [d.code for d in cube.dimensions[: cube.stub]],
            "heading": [d.code for d in cube.dimensions[cube.stub :]],
        },
        "contact": [{"raw": cube.contact}] if cube.contact else [],
    }
    return body


def metadata(cube: Cube, **kwargs: Any) -> bytes:
    """The metadata answer: the dataset with ``"value": []``."""
    body = dataset(cube, **kwargs)
    body["value"] = []
    return orjson.dumps(body)


#: A selection held in memory up to this many cells is written in one piece (see :func:`stream`).
WHOLE = 1 << 22


def _mapped(values: np.ndarray) -> bool:
    """Whether ``values`` is (a view of) the cell store's memory map rather than an array of its own."""
    base: object = values
    while base is not None:
        if isinstance(base, (np.memmap, mmap.mmap)):
            return True
        base = getattr(base, "base", None)
    return False


def stream(cube: Cube, **kwargs: Any) -> Iterator[bytes]:
    """The data answer in pieces: header, the value array in chunks, then ``status``.

    A selection the cube already holds in memory (at most :data:`WHOLE` cells) is one piece, the
    whole body from a single orjson call: the values are written once, with no chunk copied and
    joined (bench/tables_jsonstat.py). A table served from the memory map is chunked, so a
    10-million-cell answer never holds its body, nor its values, whole."""
    values = np.asarray(cube.values)  # a view of the memory map, not a copy, for a full table
    positions, symbols = cube.symbol_cells()  # from the store's positions: no pass over the cells
    status = {
        str(position): cube.symbols.get(symbol, symbol)
        for position, symbol in zip(positions.tolist(), symbols, strict=True)
    }
    body = dataset(cube, **kwargs)
    if (
        values.ndim == 1
        and values.flags.c_contiguous
        and values.size <= WHOLE
        and not _mapped(values)
    ):
        body["value"] = values
        if status:
            body["status"] = status
        yield orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)
        return
    header = orjson.dumps(body)
    yield header[:-1] + b',"value":['
    # orjson takes only base ndarrays; asarray is a view of the memory map, not a copy.
    for start in range(0, len(values), CHUNK):
        piece = orjson.dumps(values[start : start + CHUNK], option=orjson.OPT_SERIALIZE_NUMPY)
        yield (b"," if start else b"") + piece[1:-1]
    yield b"]" + (b',"status":' + orjson.dumps(status) if status else b"") + b"}"


def render(cube: Cube, **kwargs: Any) -> bytes:
    return b"".join(stream(cube, **kwargs))
