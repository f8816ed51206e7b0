"""Table cells on disk: one ``.npy`` file per table revision, opened as a read-only memory map, and
beside it ``<revision>.nan.npy``, the flat positions of its symbol cells (the NaNs, see
:mod:`pxbridge.cells`), so an answer finds its ``status`` without scanning the cells it sends.

Files are named by a hash of their content, so a revision never changes once written, and open maps
and symbol positions can be cached and shared between threads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REVISION = re.compile(r"[0-9a-f]{16}")
_CACHE_SIZE = 32
_T = TypeVar("_T")
_SCAN = 1 << 20  # cells per chunk when finding the symbol cells of a stored revision


def nan_positions(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """The sorted flat positions of the NaN cells of ``values``, read a chunk at a time (a memory
    map is never copied whole)."""
    flat = values.reshape(-1)
    found = [
        np.flatnonzero(np.isnan(flat[start : start + _SCAN])) + start
        for start in range(0, flat.size, _SCAN)
    ]
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)


def _write_atomically(path: Path, values: NDArray[Any]) -> None:
    """``values`` as ``path`` (an .npy file), written to a temporary file, synced, then renamed;
    leaves no partial file behind."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npy")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=values.dtype, shape=values.shape)
        out[:] = values
        out.flush()
        del out
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _checked(pattern: re.Pattern[str], what: str, value: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"invalid {what} {value!r}")
    return value


class CellStore:
    """Content-addressed float64 cell arrays under ``root/<key>/<revision>.npy``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._maps: dict[Path, NDArray[np.float64]] = {}
        self._nans: dict[Path, NDArray[np.int64]] = {}
        self._lock = threading.Lock()

    def _path(self, key: str, revision: str) -> Path:
        key = _checked(_KEY, "key", key)
        revision = _checked(_REVISION, "revision", revision)
        return self.root / key / f"{revision}.npy"

    def put(self, key: str, values: NDArray[np.float64]) -> str:
        """Store ``values`` (flattened) atomically and return its revision name.

        Raises ValueError for a key outside ``[A-Za-z0-9_-]{1,64}`` and OSError when the disk
        write fails, leaving no partial file behind.
        """
        _checked(_KEY, "key", key)
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
        revision = hashlib.sha256(flat.data).hexdigest()[:16]
        path = self._path(key, revision)
        if path.exists():
            return revision
        path.parent.mkdir(parents=True, exist_ok=True)
        # The symbol positions first: a revision whose cells exist always has them (or computes them).
        _write_atomically(_nan_path(path), nan_positions(flat))
        _write_atomically(path, flat)
        return revision

    def open(self, key: str, revision: str) -> NDArray[np.float64]:
        """The stored cells as a read-only view of their memory map (a plain ndarray over the
        ``np.memmap``: indexing it skips the subclass's per-call overhead, 0.07 ms a pick).

        Raises ValueError for a malformed key or revision and FileNotFoundError when absent.
        """
        path = self._path(key, revision)
        with self._lock:
            cached = self._maps.get(path)
        if cached is not None:
            return cached
        values: NDArray[np.float64] = np.asarray(np.load(path, mmap_mode="r"))
        return self._remember(self._maps, path, values)

    def symbol_positions(self, key: str, revision: str) -> NDArray[np.int64]:
        """The sorted flat positions of the revision's symbol cells, from ``<revision>.nan.npy``
        (for cells stored before that file existed: found in the cells once, and written).

        Raises ValueError for a malformed key or revision and FileNotFoundError when absent.
        """
        path = self._path(key, revision)
        with self._lock:
            known = self._nans.get(path)
        if known is not None:
            return known
        side = _nan_path(path)
        try:
            positions: NDArray[np.int64] = np.load(side)
        except FileNotFoundError:
            positions = nan_positions(self.open(key, revision))
            with contextlib.suppress(OSError):  # a read-only store still answers
                _write_atomically(side, positions)
        positions.setflags(write=False)
        return self._remember(self._nans, path, positions)

    def _remember(self, cache: dict[Path, _T], path: Path, value: _T) -> _T:
        """``value`` kept in ``cache`` under ``path``, the oldest entry dropped past _CACHE_SIZE."""
        with self._lock:
            if len(cache) >= _CACHE_SIZE:
                cache.pop(next(iter(cache)))
            cache[path] = value
        return value

    def delete(self, key: str, revision: str) -> None:
        """Remove a revision; a missing one is not an error. Raises ValueError for a bad name."""
        path = self._path(key, revision)
        with self._lock:
            self._maps.pop(path, None)
            self._nans.pop(path, None)
        for name in (path, _nan_path(path)):
            with contextlib.suppress(FileNotFoundError):
                name.unlink()


def _nan_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".npy") + ".nan.npy")
