"""The cell store of a portal on PostgreSQL that runs on several machines (issue 23): the canonical
cells of each revision are rows of ``table_cells`` (:class:`pxbridge.models.TableCellPart`), the
flat float64 bytes cut into parts of :data:`PART_BYTES`, and this machine's ``.npy`` files are a
cache of them, filled on first use.

A revision is named by the SHA-256 of its cells, so a cache file is checked against its name before
it is served: when this process first maps it and again whenever the file changes (its inode, size
or modification time). A file that does not hash to its revision is logged, removed and fetched
again; cells in the database that do not hash to their name are logged and never served
(:class:`SharedCellsError`, a 500). Filling streams the parts one by one into a temporary file, so a
table is never twice in memory, and renames it into place.

``put`` commits the parts in a transaction of its own before returning, so before the upload's rows
that name the revision are committed: a row never names cells another machine cannot fetch. What a
failed upload leaves (parts no row names) is removed by ``portal tables check`` past its grace
period. Symbol positions are found in the verified cells once per process (a few ms a million
cells), not kept in the database. Never imports Flask.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Select, Table, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from portal.kernel.clock import SystemClock
from portal.kernel.db import Database
from pxbridge.models import TableCellPart
from pxbridge.store.cell_store import (
    _KEY,
    _REVISION,
    _SCAN,
    TMP_PREFIX,
    CellStore,
    SharedEntry,
    _checked,
    nan_positions,
    revision_of,
    sync_folder,
)

log = logging.getLogger(__name__)

#: The bytes of one part: small enough for a row and a round trip, large enough that a 1-million-cell
#: table (8 MB) is two rows.
PART_BYTES = 4 << 20

_CELLS = cast(Table, TableCellPart.__table__)
_HEADER = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float64)), "fortran_order": False}


class SharedCellsError(RuntimeError):
    """Cells in the database that do not make up their revision (another hash or length)."""


def stamp() -> datetime:
    """When a part is stored, on this machine's clock: ages are compared with the clocks of the
    machines (as the cache files' are), never with the portal's clock, which tests move."""
    return SystemClock().now()


def pieces(buffer: memoryview, size: int) -> Iterator[memoryview]:
    """``buffer`` in slices of ``size`` bytes (one empty slice for an empty buffer), never copied."""
    for start in range(0, max(len(buffer), 1), size):
        yield buffer[start : start + size]


def stream(connection: Connection, statement: Select[Any]) -> Iterator[bytes]:
    """The first column of each row of ``statement``, fetched a row at a time (a server-side cursor:
    one part in memory at a time)."""
    # On the statement: Connection.execution_options would change the connection itself.
    result = connection.execute(statement, execution_options={"yield_per": 1})
    for (data,) in result:
        yield bytes(data)


class SharedCellStore(CellStore):
    """A :class:`CellStore` whose revisions live in the database ``database`` (PostgreSQL), with
    the files under ``root`` as this machine's verified cache."""

    def __init__(self, root: Path, database: Database, *, part_bytes: int = PART_BYTES) -> None:
        super().__init__(root)
        self.database = database
        self.part_bytes = part_bytes
        # The (inode, size, mtime) of each file when it was verified: a changed file is hashed again.
        self._verified: dict[Path, tuple[int, int, int]] = {}
        self._fills: dict[Path, threading.Lock] = {}

    def put(self, key: str, values: NDArray[np.float64]) -> str:
        """Store ``values`` (flattened) in the database, committed before this returns, and in the
        local cache; return the revision name. Raises ValueError for a bad key, OSError when the
        cache file cannot be written, and SQLAlchemy's errors when the database write fails."""
        _checked(_KEY, "key", key)
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
        revision = revision_of(flat)
        self._share(key, revision, flat.data.cast("B"))
        self._write(key, revision, flat)
        return revision

    def _share(self, key: str, revision: str, data: memoryview) -> None:
        now = stamp()
        where = (_CELLS.c.key == key, _CELLS.c.revision == revision)
        with self.database.own_transaction() as connection:
            # Stored before (an upload of the same cells): made young again, as a cache file is, so
            # `portal tables check` does not take it while this upload's row is not committed yet.
            if connection.execute(update(_CELLS).where(*where).values(stored_at=now)).rowcount:
                return
            for part, piece in enumerate(pieces(data, self.part_bytes)):
                row = {"key": key, "revision": revision, "part": part, "data": piece}
                # Two uploads of the same cells at once: the second waits for the first and adds nothing.
                connection.execute(
                    insert(_CELLS).values(stored_at=now, **row).on_conflict_do_nothing()
                )

    def open(self, key: str, revision: str) -> NDArray[np.float64]:
        """The cells as a read-only memory map of the local cache file, filled from the database first
        when it is missing or does not hash to ``revision``.

        Raises ValueError for a malformed name, FileNotFoundError when the database has no such
        revision, and SharedCellsError when its cells there do not make up the revision."""
        path = self._path(key, revision)
        with self._lock:
            cached, seen = self._maps.get(path), self._verified.get(path)
        if cached is not None and seen == file_identity(path):
            return cached
        with self._fill_lock(path):
            values = self._local(revision, path)
            if values is None:
                self._fill(key, revision, path)
                values = self._local(revision, path)
            if values is None:  # just written from verified bytes: changed by another process
                raise SharedCellsError(f"the cache file {path} changed while it was filled")
            with self._lock:
                self._verified[path] = file_identity(path) or (0, 0, 0)
            return self._remember(self._maps, path, values)

    def _local(self, revision: str, path: Path) -> NDArray[np.float64] | None:
        """The cache file's cells if they hash to ``revision``; None when it is missing. A file that
        does not is logged and removed."""
        try:
            values: NDArray[np.float64] = np.asarray(np.load(path, mmap_mode="r"))
            if values.dtype == np.float64 and values.ndim == 1 and _hashed(values) == revision:
                return values
            why = "does not hash to its revision"
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            why = f"cannot be read ({error})"
        log.error("cell cache file %s %s: removed, fetched again from the database", path, why)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None

    def _fill(self, key: str, revision: str, path: Path) -> None:
        """Write the revision's parts from the database to ``path``, a part at a time, checking their
        hash before the file is renamed into place."""
        where = (_CELLS.c.key == key, _CELLS.c.revision == revision)
        with self.database.own_connection() as connection:
            size, parts = connection.execute(
                select(func.coalesce(func.sum(func.length(_CELLS.c.data)), 0), func.count()).where(
                    *where
                )
            ).one()
            if not parts:
                raise FileNotFoundError(f"no cells of {key} revision {revision} in the database")
            if size % 8:
                raise SharedCellsError(f"the cells of {key} {revision} are {size} bytes")
            header = {**_HEADER, "shape": (size // 8,)}
            digest = hashlib.sha256()
            data = stream(connection, select(_CELLS.c.data).where(*where).order_by(_CELLS.c.part))

            def accept() -> None:
                if digest.hexdigest()[:16] != revision:
                    log.error("the cells of %s %s in the database do not hash to it", key, revision)
                    raise SharedCellsError(
                        f"the cells of {key} {revision} do not hash to their name"
                    )

            write_file(
                path,
                hashed(data, digest),
                header=lambda handle: np.lib.format.write_array_header_1_0(handle, header),
                accept=accept,
            )

    def _fill_lock(self, path: Path) -> threading.Lock:
        with self._lock:
            return self._fills.setdefault(path, threading.Lock())

    def symbol_positions(self, key: str, revision: str) -> NDArray[np.int64]:
        """The sorted flat positions of the revision's symbol cells, found in its verified cells once
        per process (a side file could not be checked against the revision). Raises as :meth:`open`."""
        path = self._path(key, revision)
        values = self.open(key, revision)
        with self._lock:
            known = self._nans.get(path)
        if known is not None:
            return known
        positions = nan_positions(values)
        positions.setflags(write=False)
        return self._remember(self._nans, path, positions)

    def delete(self, key: str, revision: str) -> None:
        """Remove a revision from the database and this machine (other machines' cache files go at
        their next ``portal tables check``). Raises ValueError for a bad name."""
        self._path(key, revision)
        with self.database.own_transaction() as connection:
            connection.execute(
                delete(_CELLS).where(_CELLS.c.key == key, _CELLS.c.revision == revision)
            )
        self.forget(key, revision)

    def forget(self, key: str, revision: str) -> None:
        path = self._path(key, revision)
        with self._lock:
            self._verified.pop(path, None)
        super().forget(key, revision)

    def problem(self, key: str, revision: str, cells: int) -> str | None:
        """Why the revision cannot be read as ``cells`` float64 cells: missing from the database or
        of another length there, or a local cache file that cannot be read (a missing cache file is
        no problem: it is filled on first use). None when it can."""
        try:
            _checked(_KEY, "key", key)
            _checked(_REVISION, "revision", revision)
        except ValueError as error:
            return str(error)
        with self.database.own_connection() as connection:
            size, parts = connection.execute(
                select(func.coalesce(func.sum(func.length(_CELLS.c.data)), 0), func.count()).where(
                    _CELLS.c.key == key, _CELLS.c.revision == revision
                )
            ).one()
        if not parts:
            return "the cell file is missing from the database"
        if size != cells * 8:
            return f"the database holds {size // 8} cells, not {cells}"
        if not self._path(key, revision).exists():
            return None
        return super().problem(key, revision, cells)

    def shared(self) -> list[SharedEntry]:
        """Every revision in the database, in key and revision order."""
        with self.database.own_connection() as connection:
            rows = connection.execute(
                select(
                    _CELLS.c.key,
                    _CELLS.c.revision,
                    func.count(),
                    func.sum(func.length(_CELLS.c.data)),
                    func.max(_CELLS.c.stored_at),
                )
                .group_by(_CELLS.c.key, _CELLS.c.revision)
                .order_by(_CELLS.c.key, _CELLS.c.revision)
            )
            return [SharedEntry(k, r, "", n, int(b or 0), at) for k, r, n, b, at in rows]

    def drop_shared(self, key: str, revision: str, cutoff: datetime) -> bool:
        """Remove the revision from the database if it was last stored before ``cutoff`` (checked in
        the same statement, so an upload that stores it again meanwhile keeps it)."""
        where = (_CELLS.c.key == key, _CELLS.c.revision == revision)
        newest = select(func.max(_CELLS.c.stored_at)).where(*where).scalar_subquery()
        with self.database.own_transaction() as connection:
            return bool(connection.execute(delete(_CELLS).where(*where, newest < cutoff)).rowcount)


def write_file(
    path: Path,
    data: Iterable[bytes],
    *,
    header: Callable[[BinaryIO], object] | None = None,
    accept: Callable[[], None] | None = None,
) -> None:
    """``data`` written to a temporary file beside ``path`` (after ``header``, given the open file),
    synced, checked by ``accept`` (which raises to refuse it) and renamed to ``path``. Leaves no
    temporary file behind when anything raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            if header is not None:
                header(handle)
            for piece in data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        if accept is not None:
            accept()
        os.replace(name, path)
        sync_folder(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise


def hashed(data: Iterable[bytes], *digests: Any) -> Iterator[bytes]:
    """``data`` passed on, each piece added to each of ``digests`` (hashlib objects) on the way."""
    for piece in data:
        for digest in digests:
            digest.update(piece)
        yield piece


def _hashed(values: NDArray[np.float64]) -> str:
    """The revision name of mapped cells, hashed a chunk at a time."""
    digest = hashlib.sha256()
    for start in range(0, values.size, _SCAN):
        digest.update(np.ascontiguousarray(values[start : start + _SCAN]).data)
    return digest.hexdigest()[:16]


def file_identity(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)
