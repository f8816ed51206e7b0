"""Table cells on disk: one ``.npy`` file per table revision, opened as a read-only memory map, and
beside it ``<revision>.nan.npy``, the flat positions of its symbol cells (the NaNs, see
:mod:`pxbridge.store.cells`), so an answer finds its ``status`` without scanning the cells it sends.

Files are named by a hash of their content, so a revision never changes once written, and open maps
and symbol positions can be cached and shared between threads. A file is written under a temporary
name (``.tmp-*``) and renamed into place; what a killed or failed upload leaves behind (temporary
files, revisions no row names) is found by :meth:`CellStore.scan` and removed by ``portal tables
check`` (:mod:`pxbridge.store.check`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REVISION = re.compile(r"[0-9a-f]{16}")
_CACHE_SIZE = 32
_T = TypeVar("_T")
_SCAN = 1 << 20  # cells per chunk when finding the symbol cells of a stored revision
TMP_PREFIX = ".tmp-"
_CELLS_FILE = re.compile(r"([0-9a-f]{16})(\.nan)?\.npy")


@dataclass(frozen=True)
class StoreFile:
    """A file in the store: its key (the table id), its revision (None for a temporary or unknown
    file), whether it holds symbol positions (``<revision>.nan.npy``), its path and age."""

    key: str
    revision: str | None
    side: bool
    path: Path
    modified: float
    size: int

    @property
    def temporary(self) -> bool:
        return self.path.name.startswith(TMP_PREFIX)


@dataclass(frozen=True)
class SharedEntry:
    """A revision's cells or a built file kept in the database by a shared store (issue 23): its
    key (the table id), revision, file name ("" for cells), parts, bytes and when it was stored (an
    aware UTC datetime on the storing machine's clock)."""

    key: str
    revision: str
    name: str
    parts: int
    size: int
    stored_at: datetime


def nan_positions(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """The sorted flat positions of the NaN cells of ``values``, read a chunk at a time (a memory
    map is never copied whole)."""
    flat = values.reshape(-1)
    found = [
        np.flatnonzero(np.isnan(flat[start : start + _SCAN])) + start
        for start in range(0, flat.size, _SCAN)
    ]
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)


def revision_of(flat: NDArray[np.float64]) -> str:
    """The revision name of the flat float64 cells ``flat``: the first 16 hex digits of the SHA-256
    of their bytes."""
    return hashlib.sha256(flat.data).hexdigest()[:16]


def sync_folder(folder: Path) -> None:
    """A rename in ``folder`` made durable, before a row that names the file can be committed."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _write_atomically(path: Path, values: NDArray[Any]) -> None:
    """``values`` as ``path`` (an .npy file), written to a temporary file, synced, then renamed;
    leaves no partial file behind (but for a killed process's ``.tmp-*``, see ``CellStore.scan``)."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=".npy")
    tmp = Path(tmp_name)
    try:
        # Written through the file, not a memory map of it: a map's written pages count in the
        # process's resident memory, 1 x the cells again on top of an upload (issue 16).
        with os.fdopen(fd, "wb") as handle:
            np.lib.format.write_array(handle, np.ascontiguousarray(values), allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        sync_folder(path.parent)
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
        revision = revision_of(flat)
        self._write(key, revision, flat)
        return revision

    def _write(self, key: str, revision: str, flat: NDArray[np.float64]) -> None:
        """``flat`` as the files of ``revision`` of ``key``, unless they exist (then made young)."""
        path = self._path(key, revision)
        if path.exists():
            # Younger again: `portal tables check` leaves files younger than its grace period alone,
            # and this one is about to be named by a row again (it may have been an orphan).
            with contextlib.suppress(FileNotFoundError):
                os.utime(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # The symbol positions first: a revision whose cells exist always has them (or computes them).
        _write_atomically(_nan_path(path), nan_positions(flat))
        _write_atomically(path, flat)

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
        self.forget(key, revision)

    def forget(self, key: str, revision: str) -> None:
        """Remove this machine's files of a revision (all there is of it here; a shared store's
        copy in the database stays). Raises ValueError for a bad name."""
        path = self._path(key, revision)
        with self._lock:
            self._maps.pop(path, None)
            self._nans.pop(path, None)
        for name in (path, _nan_path(path)):
            with contextlib.suppress(FileNotFoundError):
                name.unlink()

    def problem(self, key: str, revision: str, cells: int) -> str | None:
        """Why revision ``revision`` of ``key`` cannot be read as ``cells`` float64 cells (missing,
        unreadable, another type or count), or None when it can. Reads only the file's header."""
        try:
            path = self._path(key, revision)
        except ValueError as error:
            return str(error)
        try:
            stored = np.load(path, mmap_mode="r")
        except FileNotFoundError:
            return "the cell file is missing"
        except (OSError, ValueError) as error:
            return f"the cell file cannot be read: {error}"
        if stored.dtype != np.float64 or stored.size != cells:
            return f"the cell file holds {stored.size} {stored.dtype} cells, not {cells} float64"
        return None

    def shared(self) -> list[SharedEntry]:
        """The revisions kept in the database: none here (see :mod:`pxbridge.store.shared`)."""
        return []

    def drop_shared(self, key: str, revision: str, cutoff: datetime) -> bool:
        """Remove a revision's shared copy if stored before ``cutoff``: nothing to remove here."""
        return False

    def scan(self) -> list[StoreFile]:
        """Every file under the store's root, one folder per key, in name order: cells, symbol
        positions, temporary files and anything else (``revision`` None). A file that vanishes
        while listed (an upload's rename, another check) is left out."""
        found: list[StoreFile] = []
        if not self.root.is_dir():
            return found
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                found.extend(_described("", None, False, folder))
                continue
            for path in sorted(folder.iterdir()):
                match = _CELLS_FILE.fullmatch(path.name)
                revision = match.group(1) if match else None
                side = bool(match and match.group(2))
                found.extend(_described(folder.name, revision, side, path))
        return found


def _described(key: str, revision: str | None, side: bool, path: Path) -> list[StoreFile]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return []
    return [StoreFile(key, revision, side, path, stat.st_mtime, stat.st_size)]


def _nan_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".npy") + ".nan.npy")
