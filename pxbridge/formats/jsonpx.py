"""PxWeb's legacy "json-px" (PxJson, the classic API's ``json`` format)."""

from __future__ import annotations

import math
from datetime import UTC
from typing import TYPE_CHECKING, Any

import numpy as np

from pxbridge.formats import format_lines, joined_combinations, symbol_text
from pxbridge.query.cube import Cube
from pxbridge.store import cells

if TYPE_CHECKING:
    from pxbridge.formats import OutputParams

try:
    import orjson

    def _dumps(document: Any) -> bytes:
        return orjson.dumps(document)

except ImportError:  # pragma: no cover - orjson is optional
    import json

    def _dumps(document: Any) -> bytes:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(cube: Cube, params: OutputParams) -> bytes:
    """The cube as UTF-8 json-px: ``columns`` (non-metric dimensions as type "d", the time
    dimension as "t", each metric value as "c" with its unit), ``comments`` (value notes),
    ``data`` rows of ``key`` (codes of the non-metric dimensions) and ``values`` (strings with
    every digit the stored cell carries, symbols as their shown text) and ``metadata``. A table without a metric dimension has
    one "c" column coded "value". ``params`` are not used. Never raises for a well-formed cube.
    """
    dims = cube.dimensions
    metric = cube.metric_index()
    others = [i for i in range(len(dims)) if i != metric]
    columns: list[dict[str, Any]] = []
    comments: list[dict[str, str]] = []
    for i in others:
        dim = dims[i]
        column: dict[str, Any] = {
            "code": dim.code,
            "text": dim.label,
            "type": "t" if dim.role == "time" else "d",
        }
        if dim.notes:
            column["comment"] = " ".join(dim.notes)
        columns.append(column)
        for code in dim.codes:
            notes = dim.value_notes.get(code)
            if notes:
                comments.append({"variable": dim.code, "value": code, "comment": " ".join(notes)})
    if metric is None:
        unit = cube.unit_of(None)
        column = {"code": "value", "text": cube.title, "type": "c"}
        if unit.base:
            column["unit"] = unit.base
        columns.append(column)
        decimals = np.array([unit.decimals], dtype=np.int64)
    else:
        dim = dims[metric]
        decimals = np.array([cube.unit_of(c).decimals for c in dim.codes], dtype=np.int64)
        for code, label in zip(dim.codes, dim.labels, strict=True):
            column = {"code": code, "text": label, "type": "c"}
            known = cube.units.get(code)
            if known is not None and known.base:
                column["unit"] = known.base
            notes = dim.value_notes.get(code)
            if notes:
                column["comment"] = " ".join(notes)
            columns.append(column)

    sizes = cube.sizes
    nvalues = sizes[metric] if metric is not None else 1
    nkeys = math.prod(sizes[i] for i in others)
    order = [*others, *([metric] if metric is not None else [])]
    matrix = cells.permute(cube.values, sizes, order).reshape(nkeys, nvalues)
    # The data rows are assembled as JSON text: half a million row objects built as dicts spend
    # most of their time in the garbage collector (about 2.3 s of 4 s per million cells).
    lines = format_lines(
        matrix,
        row_decimals=None,
        col_decimals=decimals,
        decimals=int(decimals[0]) if decimals.size else 0,
        sep='","',
        symbol_markup=lambda s: _json_string(symbol_text(cube, s))[1:-1],
        exact=True,
    )
    keys = joined_combinations([[_json_string(c) for c in dims[i].codes] for i in others], ",")
    if nvalues:
        rows = [
            f'{{"key":[{key}],"values":["{line}"]}}' for key, line in zip(keys, lines, strict=True)
        ]
    else:
        rows = [f'{{"key":[{key}],"values":[]}}' for key in keys]
    updated = ""
    if cube.updated is not None:
        updated = cube.updated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata = [{"infofile": "", "updated": updated, "label": cube.title, "source": cube.source}]
    return b"".join(
        [
            b'{"columns":',
            _dumps(columns),
            b',"comments":',
            _dumps(comments),
            b',"data":[',
            ",".join(rows).encode("utf-8"),
            b'],"metadata":',
            _dumps(metadata),
            b"}",
        ]
    )


def _json_string(text: str) -> str:
    return _dumps(text).decode("utf-8")
