"""The cube as a long Parquet table, laid out as PxWeb's ParquetBuilder does."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from pxbridge.formats import symbol_text
from pxbridge.query.cube import Cube
from pxbridge.store import cells

if TYPE_CHECKING:
    from pxbridge.formats import OutputParams

_PATTERNS: dict[str, re.Pattern[str]] = {
    "A": re.compile(r"(\d{4})"),
    "H": re.compile(r"(\d{4})H([12])"),
    "Q": re.compile(r"(\d{4})[KQ]([1-4])"),
    "T": re.compile(r"(\d{4})T([1-3])"),
    "M": re.compile(r"(\d{4})M(0[1-9]|1[0-2])"),
    "W": re.compile(r"(\d{4})[UW](0[1-9]|[1-4]\d|5[0-3])"),
}


def _start(scale: str, match: re.Match[str]) -> datetime | None:
    year = int(match.group(1))
    if scale == "A":
        return datetime(year, 1, 1)  # noqa: DTZ001 - a calendar date, not a moment
    part = int(match.group(2))
    if scale == "W":
        try:
            day = date.fromisocalendar(year, part, 1)
        except ValueError:
            return None
        return datetime(day.year, day.month, day.day)  # noqa: DTZ001
    month = {"H": 6 * (part - 1) + 1, "Q": 3 * (part - 1) + 1, "T": 4 * (part - 1) + 1}.get(
        scale, part
    )
    return datetime(year, month, 1)  # noqa: DTZ001


def period_start(code: str, time_scale: str | None = None) -> datetime | None:
    """The first moment of the period a PX time code names, as a naive datetime, or None.

    Understands "2024" (A), "2024H1" (H), "2024K1"/"2024Q1" (Q), "2024T1" (tertial),
    "2024M01" (M) and "2024U01"/"2024W01" (ISO week, its Monday). ``time_scale`` is tried first;
    a code it does not describe is matched against the other patterns. Never raises.
    """
    text = code.strip().upper()
    scales = [time_scale.upper()] if time_scale and time_scale.upper() in _PATTERNS else []
    scales += [s for s in _PATTERNS if s not in scales]
    for scale in scales:
        match = _PATTERNS[scale].fullmatch(text)
        if match:
            return _start(scale, match)
    return None


def _symbol_column(cube: Cube, column: NDArray[np.float64]) -> Any:
    positions, symbols = cells.symbol_cells(column)
    if not symbols:
        return pa.nulls(column.size, pa.string())
    texts = sorted({symbol_text(cube, s) for s in symbols})
    index = {t: k for k, t in enumerate(texts)}
    codes = np.zeros(column.size, dtype=np.int32)
    valid = np.zeros(column.size, dtype=np.bool_)
    codes[positions] = [index[symbol_text(cube, s)] for s in symbols]
    valid[positions] = True
    indices = pa.array(codes, mask=~valid)
    return pa.DictionaryArray.from_arrays(indices, pa.array(texts, pa.string())).dictionary_decode()


def table(cube: Cube) -> Any:
    """The cube as a ``pyarrow.Table`` (see :func:`render`); never raises for a well-formed cube."""
    dims = cube.dimensions
    sizes = cube.sizes
    metric = cube.metric_index()
    others = [i for i in range(len(dims)) if i != metric]
    nvalues = sizes[metric] if metric is not None else 1
    nrows = math.prod(sizes[i] for i in others)
    # Reversing the non-metric dimensions makes the first one vary fastest down the rows.
    order = [*reversed(others), *([metric] if metric is not None else [])]
    matrix = cells.permute(cube.values, sizes, order).reshape(nrows, nvalues)
    names: list[str] = []
    arrays: list[Any] = []
    stride = 1
    rows = np.arange(nrows, dtype=np.int64)
    for i in others:
        dim = dims[i]
        picks = pa.array((rows // stride) % max(sizes[i], 1))
        stride *= sizes[i]
        names.append(dim.label)
        arrays.append(pa.array(dim.codes, pa.string()).take(picks))
        if dim.role == "time":
            starts = [period_start(code, dim.time_scale) for code in dim.codes]
            names.append("timestamp")
            arrays.append(pa.array(starts, pa.timestamp("ms")).take(picks))
    if metric is None or nvalues == 1:
        value_names = [("value", "value_symbol")]
    else:
        code = dims[metric].code
        value_names = [(f"{code}_{v}", f"{code}_{v}_symbol") for v in dims[metric].codes]
    for k, (value_name, symbol_name) in enumerate(value_names):
        column = np.ascontiguousarray(matrix[:, k])
        # Readers see any NaN as NaN; the payload is dropped so the file holds plain NaNs.
        plain = np.where(np.isnan(column), np.nan, column)
        names += [value_name, symbol_name]
        arrays += [pa.array(plain, pa.float64()), _symbol_column(cube, column)]
    return pa.Table.from_arrays(arrays, names=names)


def render(cube: Cube, params: OutputParams) -> bytes:
    """The cube as Parquet bytes in PxWeb's layout.

    One string column per non-metric dimension, named by its label, holding value codes (the
    time dimension is followed by a ``timestamp`` column: start of period, null if the code is not
    understood); then ``value`` (float64, NaN for a symbol) and ``value_symbol`` (shown symbol
    text or null) for a single or no metric, else ``<metric code>_<value code>`` and
    ``<metric code>_<value code>_symbol`` per metric value. The first dimension varies fastest
    down the rows. ``params`` are not used. Never raises for a well-formed cube.
    """
    sink = pa.BufferOutputStream()
    pq.write_table(table(cube), sink)
    out: bytes = sink.getvalue().to_pybytes()
    return out
