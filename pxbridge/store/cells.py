"""Table cells as one float64 array: numbers, and PX data symbols carried in NaN payloads.

A cell holding a PX data symbol ("..", ":" …) is a quiet NaN whose low byte is ``k + 1`` for
``SYMBOLS[k]``, so a single (memory-mapped) float64 array carries both, and orjson, which writes
any NaN as ``null``, can serialise a selection without a conversion pass. Every function here
copies cells without arithmetic so the payloads survive.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

SYMBOLS: tuple[str, ...] = (".", "..", "...", "....", ".....", "......", "-", ":")

_QUIET_NAN = 0x7FF8_0000_0000_0000
_PLAIN_NAN_SYMBOL = ".."
_SYMBOL_INDEX = {symbol: k for k, symbol in enumerate(SYMBOLS)}


def encode(symbol: str) -> float:
    """The cell value carrying ``symbol``; raises ValueError for a symbol not in ``SYMBOLS``."""
    try:
        k = _SYMBOL_INDEX[symbol]
    except KeyError:
        raise ValueError(f"unknown data symbol {symbol!r}") from None
    return float(np.array([_QUIET_NAN | (k + 1)], dtype=np.uint64).view(np.float64)[0])


def decode(cell: float) -> str | None:
    """The symbol a single cell carries, or None for a number; a plain NaN reads as ".."."""
    if not math.isnan(cell):
        return None
    payload = int(np.array([cell], dtype=np.float64).view(np.uint64)[0]) & 0xFF
    return _symbol_for_payload(payload)


def _symbol_for_payload(payload: int) -> str:
    if 1 <= payload <= len(SYMBOLS):
        return SYMBOLS[payload - 1]
    return _PLAIN_NAN_SYMBOL


def symbol_cells(
    values: NDArray[np.float64], known: NDArray[np.int64] | None = None
) -> tuple[NDArray[np.int64], list[str]]:
    """Positions (in flat order) of the cells holding symbols, and those symbols; never raises.
    ``known``: those positions, when the caller has them (then the cells are not scanned)."""
    flat = values.reshape(-1)
    positions = np.flatnonzero(np.isnan(flat)).astype(np.int64) if known is None else known
    if positions.size == 0:
        return positions, []
    if positions.size <= 64:  # a few: one by one beats four numpy calls
        bits = flat.view(np.uint64)
        return positions, [_symbol_for_payload(int(bits[p]) & 0xFF) for p in positions.tolist()]
    payloads = (np.ascontiguousarray(flat[positions]).view(np.uint64) & np.uint64(0xFF)).tolist()
    return positions, [_symbol_for_payload(int(p)) for p in payloads]


def status_map(values: NDArray[np.float64]) -> dict[str, str]:
    """JSON-stat ``status``: ``{"<flat position>": symbol}`` for every symbol cell; never raises."""
    positions, symbols = symbol_cells(values)
    return {str(p): s for p, s in zip(positions.tolist(), symbols, strict=True)}


def _check_shape(values: NDArray[np.float64], sizes: Sequence[int]) -> tuple[int, ...]:
    shape = tuple(int(s) for s in sizes)
    if any(s < 0 for s in shape):
        raise ValueError(f"negative dimension size in {shape}")
    if math.prod(shape) != values.size:
        raise ValueError(f"{values.size} cells do not fill dimensions of sizes {shape}")
    return shape


def _as_index(pick: Sequence[int], size: int, dim: int) -> slice | NDArray[np.intp]:
    """A pick as a slice where it is evenly spaced and ascending (a strided view: nothing is read
    until the final copy), else as an index array. Checked in plain Python: a request makes a few
    of these, and each numpy call costs more than the comparisons (bench/tables_jsonstat.py)."""
    if not pick:
        return slice(0, 0)
    first, last = pick[0], pick[-1]
    if isinstance(pick, range):
        low, high = (first, last) if pick.step > 0 else (last, first)
    else:
        low, high = min(pick), max(pick)
    if low < 0 or high >= size:
        raise ValueError(f"dimension {dim}: positions must lie in 0..{size - 1}")
    if len(pick) == 1:
        return slice(first, first + 1)
    step = pick[1] - first
    if step > 0 and (
        (isinstance(pick, range) and pick.step == step)
        or (
            last - first == step * (len(pick) - 1)
            and list(pick) == list(range(first, last + 1, step))
        )
    ):
        return slice(first, last + 1, step)
    return np.asarray(pick, dtype=np.intp).reshape(-1)


def select(
    values: NDArray[np.float64], sizes: Sequence[int], picks: Sequence[Sequence[int] | None]
) -> NDArray[np.float64]:
    """The flat row-major cells of a selection, reading only the chosen cells.

    ``picks[i]`` lists the chosen positions on dimension ``i`` in output order, or None for all.
    With every pick None the input itself is returned. Raises ValueError when ``sizes`` does not
    match ``values`` or ``picks``, or a position is out of range.
    """
    shape = _check_shape(values, sizes)
    if len(picks) != len(shape):
        raise ValueError(f"{len(picks)} picks for {len(shape)} dimensions")
    if all(p is None for p in picks):
        return values
    index: list[slice | NDArray[np.intp]] = [
        slice(None) if p is None else _as_index(p, shape[i], i) for i, p in enumerate(picks)
    ]
    view = values.reshape(shape)[tuple(s if isinstance(s, slice) else slice(None) for s in index)]
    fancy = [i for i, s in enumerate(index) if not isinstance(s, slice)]
    if fancy:
        last = fancy[-1]
        arrays = [
            s if not isinstance(s, slice) else np.arange(view.shape[i], dtype=np.intp)
            for i, s in enumerate(index[: last + 1])
        ]
        # Dimensions after the last irregular pick stay slices, so np.ix_ only spans the prefix.
        key: tuple[Any, ...] = (*np.ix_(*arrays), *([slice(None)] * (len(shape) - last - 1)))
        view = view[key]
    out: NDArray[np.float64] = np.ascontiguousarray(view).reshape(-1)
    return out


def permute(
    values: NDArray[np.float64], sizes: Sequence[int], order: Sequence[int]
) -> NDArray[np.float64]:
    """The flat row-major cells with dimensions reordered so output dimension j is input ``order[j]``.

    Raises ValueError when ``sizes`` does not match ``values`` or ``order`` is not a permutation.
    """
    shape = _check_shape(values, sizes)
    if sorted(order) != list(range(len(shape))):
        raise ValueError(f"{list(order)} is not a permutation of {len(shape)} dimensions")
    out: NDArray[np.float64] = np.ascontiguousarray(
        values.reshape(shape).transpose(tuple(order))
    ).reshape(-1)
    return out
