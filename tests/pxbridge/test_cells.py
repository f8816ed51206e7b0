"""Cells: symbols in NaN payloads, selection by index arithmetic, and the memory-mapped store."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import orjson
import pytest

from pxbridge.query import extract
from pxbridge.query.extract import carried_symbols
from pxbridge.store import cells
from pxbridge.store.cell_store import CellStore


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
    folder = tmp_path / "tab_05810"
    assert sorted(folder.iterdir()) == [folder / f"{revision}.nan.npy", folder / f"{revision}.npy"]
    assert store.symbol_positions("tab_05810", revision).tolist() == [1]
    store.delete("tab_05810", revision)
    with pytest.raises(FileNotFoundError):
        store.open("tab_05810", revision)
    with pytest.raises(FileNotFoundError):
        store.symbol_positions("tab_05810", revision)
    assert list(folder.iterdir()) == []


def test_symbol_positions_of_cells_stored_without_them_are_found_and_kept(tmp_path: Path) -> None:
    values = np.arange(3_000_000, dtype=np.float64)  # three scan chunks
    at = [5, 1_048_576, 2_999_999]
    values[at] = [cells.encode(".."), cells.encode(":"), float("nan")]
    revision = CellStore(tmp_path).put("t", values)
    side = tmp_path / "t" / f"{revision}.nan.npy"
    side.unlink()  # as a store written before the side file existed
    store = CellStore(tmp_path)
    found = store.symbol_positions("t", revision)
    assert found.tolist() == at and not found.flags.writeable
    assert np.load(side).tolist() == at  # written for the next process
    assert store.symbol_positions("t", revision) is found


@pytest.mark.parametrize("few", [extract.FEW_SYMBOLS, 0], ids=["python", "numpy"])
def test_carried_symbols_match_a_scan_of_the_selected_cells(
    few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Index arithmetic on the stored symbol positions finds exactly the symbol cells a scan of the
    selection finds: picks in any order, a single value left out of the answer (an elimination
    value), and any placement."""
    monkeypatch.setattr(extract, "FEW_SYMBOLS", few)
    rng = np.random.default_rng(7)
    for _ in range(300):
        sizes = [int(n) for n in rng.integers(1, 7, size=int(rng.integers(1, 5)))]
        values = rng.uniform(0, 10, size=math.prod(sizes))
        values[rng.random(values.size) < 0.1] = cells.encode(":")
        picks: list[Sequence[int] | None] = []
        for n in sizes:
            kind, some = rng.integers(4), int(rng.integers(1, n + 1))
            if kind == 0:
                picks.append(None)
            elif kind == 1:
                picks.append([int(rng.integers(n))])
            elif kind == 2:
                picks.append(range(n - some, n))  # a run of neighbours, as build_cube passes one
            else:
                picks.append([int(p) for p in rng.permutation(n)[:some]])
        left_out = {
            d for d, p in enumerate(picks) if p is not None and len(p) == 1 and rng.random() < 0.5
        }
        kept = [d for d in range(len(sizes)) if d not in left_out]
        order = [int(i) for i in rng.permutation(len(kept))]
        picked = cells.select(values, sizes, picks)
        shape = [sizes[d] if picks[d] is None else len(picks[d] or ()) for d in range(len(sizes))]
        kept_sizes = [shape[d] for d in kept]
        answer = cells.permute(picked, kept_sizes, order) if kept else picked
        ordered = [kept[i] for i in order]
        nan_at = np.flatnonzero(np.isnan(values)).astype(np.int64)
        got = carried_symbols(nan_at, sizes, picks, ordered, 10**9)
        assert got is not None
        assert got.tolist() == np.flatnonzero(np.isnan(answer)).tolist(), (sizes, picks, ordered)
    # Many symbol cells for a small answer, or a position picked twice: scan instead.
    nan_at = np.arange(100, dtype=np.int64)
    assert carried_symbols(nan_at, [100], [[1, 2]], [0], 2) is None
    assert carried_symbols(np.array([3]), [10], [[3, 3]], [0], 1000) is None


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

    monkeypatch.setattr("pxbridge.store.cell_store.os.fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        store.put("t1", np.arange(1000.0))
    assert list((tmp_path / "t1").iterdir()) == []
