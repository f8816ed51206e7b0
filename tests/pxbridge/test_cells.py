"""Cells: symbols in NaN payloads, selection by index arithmetic, and the memory-mapped store."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import orjson
import pytest

from pxbridge import cells
from pxbridge.store import CellStore


def _payloads(values: np.ndarray) -> list[int]:
    return [int(x) for x in (np.ascontiguousarray(values).view(np.uint64) & np.uint64(0xFF))]


def test_every_symbol_survives_select_and_permute() -> None:
    symbols = list(cells.SYMBOLS)
    values = np.array([cells.encode(s) for s in symbols] + [1.5, -2.0, 0.0, 7.25], dtype=np.float64)
    sizes = (3, 4)
    picked = cells.select(values, sizes, [[2, 0, 1], [3, 1, 0, 2]])
    permuted = cells.permute(picked, sizes, (1, 0))
    back = cells.permute(permuted, (4, 3), (1, 0))
    by_hand = [values[r * 4 + c] for r in (2, 0, 1) for c in (3, 1, 0, 2)]
    assert _payloads(back) == _payloads(np.array(by_hand))
    positions, found = cells.symbol_cells(values)
    assert positions.tolist() == list(range(8))
    assert found == symbols
    assert [cells.decode(v) for v in values[:8].tolist()] == symbols
    assert cells.decode(7.25) is None


def test_plain_nan_reads_as_two_dots_and_status_map() -> None:
    values = np.array([1.0, float("nan"), cells.encode(":"), 3.0])
    assert cells.status_map(values) == {"1": "..", "2": ":"}
    assert orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY) == b"[1.0,null,null,3.0]"
    with pytest.raises(ValueError, match="unknown data symbol"):
        cells.encode("?")


def _naive(
    values: list[float], sizes: tuple[int, ...], picks: list[list[int] | None]
) -> list[float]:
    axes = [range(n) if p is None else p for n, p in zip(sizes, picks, strict=True)]
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    return [
        values[sum(i * s for i, s in zip(idx, strides, strict=True))]
        for idx in itertools.product(*axes)
    ]


def test_three_dimensional_selection_with_mixed_picks() -> None:
    sizes = (4, 5, 6)
    values = np.arange(120, dtype=np.float64) * 1.5
    values[7] = cells.encode("-")
    cases: list[list[list[int] | None]] = [
        [[1, 2, 3], None, [5, 0, 2]],
        [None, [4, 1], [0, 1, 2]],
        [[3], [0, 2, 4], None],
        [[0], [1], [1]],
        [None, [], None],
        [[2, 0], [3, 4], [5, 4, 3, 1]],
    ]
    for picks in cases:
        got = cells.select(values, sizes, picks)
        want = _naive(values.tolist(), sizes, picks)
        assert _payloads(got) == _payloads(np.array(want, dtype=np.float64)), picks
        assert got.shape == (len(want),)
    assert cells.select(values, sizes, [None, None, None]) is values
    with pytest.raises(ValueError):
        cells.select(values, sizes, [[4], None, None])
    with pytest.raises(ValueError):
        cells.select(values, (4, 5), [None, None])


def test_select_on_a_million_cell_memmap(tmp_path: Path) -> None:
    sizes = (100, 50, 200)
    path = tmp_path / "big.npy"
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(1_000_000,))
    out[:] = np.arange(1_000_000, dtype=np.float64)
    out[150] = cells.encode("..")
    out.flush()
    del out
    mapped = np.load(path, mmap_mode="r")
    picks: list[list[int] | None] = [[0, 99, 5], [0, 1, 2, 3], [7, 1, 199]]
    got = cells.select(mapped, sizes, picks)
    want = [
        float(a * 50 * 200 + b * 200 + c)
        for a in (0, 99, 5)
        for b in (0, 1, 2, 3)
        for c in (7, 1, 199)
    ]
    assert got.tolist() == want
    run = cells.select(mapped, sizes, [[0], [0], list(range(100, 200))])
    assert cells.status_map(run) == {"50": ".."}
    assert run[0] == 100.0 and run.size == 100
    assert cells.permute(np.arange(6.0), (2, 3), (1, 0)).tolist() == [0, 3, 1, 4, 2, 5]


def test_store_round_trip_is_a_memmap(tmp_path: Path) -> None:
    store = CellStore(tmp_path)
    values = np.array([1.25, cells.encode(":"), -3.0])
    revision = store.put("tab_05810", values)
    assert len(revision) == 16
    assert store.put("tab_05810", values) == revision
    opened = store.open("tab_05810", revision)
    assert isinstance(opened.base, np.memmap)  # a view of the map: nothing read into memory
    assert not opened.flags.writeable
    assert _payloads(opened) == _payloads(values)
    assert store.open("tab_05810", revision) is opened
    assert list((tmp_path / "tab_05810").iterdir()) == [tmp_path / "tab_05810" / f"{revision}.npy"]
    store.delete("tab_05810", revision)
    with pytest.raises(FileNotFoundError):
        store.open("tab_05810", revision)


def test_store_rejects_path_tricks(tmp_path: Path) -> None:
    store = CellStore(tmp_path)
    for key in ("../etc", "a/b", "", "x" * 65, "ø"):
        with pytest.raises(ValueError):
            store.put(key, np.zeros(2))
    with pytest.raises(ValueError):
        store.open("ok", "../../passwd")


def test_store_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = CellStore(tmp_path)

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("pxbridge.store.os.fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        store.put("t1", np.arange(1000.0))
    assert list((tmp_path / "t1").iterdir()) == []
