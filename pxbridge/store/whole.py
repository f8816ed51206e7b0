"""Whole tables as files: for the public revision of a stored table, one file per output format holding
every cell (the table's own selection of everything, in its own language; the PX file in every language
the table has), built once on first request and kept in the instance folder (``downloads/<table>/``),
with its size, SHA-256 and SHA-1. Never imports Flask: the web side passes the renderers that need it
(PX, :mod:`pxbridge.formats.output`).

A file's revision (:func:`file_revision`) names the table's cell revision, its row's version (raised by
every upload, so new labels with the same cells make a new file) and :data:`GENERATION`. A built file
is named by its revision, format and checksums (``<revision>.<format>.<sha256>.<sha1>``), so a name
always describes its bytes: it is written under a temporary name (``.tmp-*``) and renamed into place, a
killed build leaves only a temporary file nothing serves (removed once a later revision is built), and
two processes building at once wait for each other on a lock file (the first one's file is the one both
serve; xlsx files carry their build time, so two builds differ). Building a revision removes the
table's earlier revisions' files: their URLs are 404 from the moment the table's row names another."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pxbridge.formats import FORMATS, OutputParams, jsonstat, xlsx
from pxbridge.models import DataTable
from pxbridge.query.cube import Cube
from pxbridge.query.extract import build_cube, translated
from pxbridge.query.selection import resolve
from pxbridge.store.cell_store import TMP_PREFIX, CellStore, SharedEntry, StoreFile

#: Raised when a format writes other bytes for the same table (a new column, another number
#: format), so instances built before keep no stale file: the old revision's URL is then 404.
GENERATION = 2  # 2: PX files hold every language of the table (issue 21)

#: Every format a whole table is offered in, in the catalogue's order, with its media type (text is
#: UTF-8, which the web side adds as the charset) and the suffix of the file name a browser saves it
#: under (``<table id><suffix>``).
KINDS: Mapping[str, tuple[str, str]] = {
    "json-stat2": ("application/json", ".json"),
    "csv": ("text/csv", ".csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "px": ("application/octet-stream", ".px"),
    "html": ("text/html", ".html"),
    "json-px": ("application/json", ".px.json"),
    "parquet": ("application/vnd.apache.parquet", ".parquet"),
}

#: Turns a whole-table cube into the file's bytes, in pieces (a large json-stat2 file is never whole
#: in memory).
Renderer = Callable[[Cube], Iterable[bytes]]

_REVISION = re.compile(r"[0-9a-f]{16}")
_TABLE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # the cell store's keys
#: A build's lock file, held while it writes; and its temporary file (what a killed build leaves).
_LOCK = re.compile(r"\.lock-([0-9a-f]{16})\.([a-z0-9-]+)")
_TEMPORARY = re.compile(re.escape(TMP_PREFIX) + r"([0-9a-f]{16})\.([a-z0-9-]+)\..+")
_BUILT = re.compile(r"([0-9a-f]{16})\.([a-z0-9-]+)\.([0-9a-f]{64})\.([0-9a-f]{40})")


def _one_piece(name: str) -> Renderer:
    chosen = FORMATS[name]
    return lambda cube: (chosen.render(cube, OutputParams()),)


def standard_renderers() -> dict[str, Renderer]:
    """The renderers of every format but PX, which the web side adds (its writer lives there)."""
    found: dict[str, Renderer] = {name: _one_piece(name) for name in KINDS if name in FORMATS}
    found["json-stat2"] = jsonstat.stream
    return found


@dataclass(frozen=True)
class FileFacts:
    """A built whole-table file: where it is, how many bytes, and their SHA-256 and SHA-1 (hex)."""

    path: Path
    format: str
    byte_size: int
    sha256: str
    sha1: str

    @property
    def media_type(self) -> str:
        return KINDS[self.format][0]


def offered(table: DataTable) -> tuple[str, ...]:
    """The formats ``table``'s whole-table files come in (in :data:`KINDS`' order): all of them, but
    xlsx for a table larger than a worksheet holds (its variables are loaded here)."""
    rows = columns = 1
    headings = 0
    for variable in table.variables:
        if variable.placement == "stub":
            rows *= len(variable.codes)
        else:
            columns *= len(variable.codes)
            headings += 1
    # The title, an empty row, a row per heading variable, the footer (pxbridge/formats/xlsx.py).
    fits = (
        2 + headings + rows + 3 <= xlsx.MAX_ROWS and len(table.variables) + columns <= xlsx.MAX_COLS
    )
    return tuple(fmt for fmt in KINDS if fits or fmt != "xlsx")


def file_revision(table: DataTable) -> str | None:
    """The revision of ``table``'s whole-table files (16 hex digits), None for a table without stored
    cells (a mirrored table's cells stay with its remote)."""
    if table.store_revision is None:
        return None
    return file_revision_of(table.store_revision, table.version)


def file_revision_of(store_revision: str, version: int) -> str:
    """The revision of the files of a table row at cell revision ``store_revision`` and ``version``."""
    key = f"{store_revision}:{version}:{GENERATION}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def whole_cube(store: CellStore, table: DataTable, lang: str) -> Cube:
    """Every cell of ``table`` in ``lang``, laid out as the table is (its stub and heading). Raises
    FileNotFoundError when its cells are missing from the store."""
    assert table.store_revision is not None
    everything = {v.code: ["*"] for v in table.variables}
    selection = resolve(table.variables, everything, max_cells=max(1, table.cells))
    return build_cube(
        table,
        store.open(table.id, table.store_revision),
        selection,
        lang,
        nan_at=store.symbol_positions(table.id, table.store_revision),
    )


def file_language(table: DataTable) -> str:
    """The language a table's files are written in: its first (its own) language."""
    return (table.languages.split(",")[0] or "nb").strip()


class WholeFiles:
    """The whole-table files of one instance folder: ``root/<table id>/<built name>``."""

    def __init__(self, root: Path, store: CellStore, renderers: Mapping[str, Renderer]) -> None:
        missing = set(KINDS) - set(renderers)
        if missing:
            raise ValueError(f"no renderer for {sorted(missing)}")
        self.root = root
        self.store = store
        self.renderers = dict(renderers)
        self._locks: dict[tuple[str, str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def _folder(self, table_id: str) -> Path:
        """The table's folder. Raises ValueError for an id no table can have (so no path is made
        from one that climbs out of the root)."""
        if not _TABLE.fullmatch(table_id):
            raise ValueError(f"invalid table id {table_id!r}")
        return self.root / table_id

    def state(self, table_id: str) -> str:
        """What this machine holds of ``table_id``'s files, as one string that changes whenever a file
        is built, fetched or removed here (one folder listing; "" for an id no table can have): pages
        that show the files' sizes are cached under it."""
        try:
            return "|".join(sorted(p.name for p in self._folder(table_id).iterdir()))
        except (ValueError, FileNotFoundError):
            return ""

    def built(self, table_id: str, revision: str, fmt: str) -> FileFacts | None:
        """The file of ``revision`` in ``fmt`` if it is built (the first by name if two are), else
        None. Never builds, and never names a temporary file."""
        if fmt not in KINDS or not _REVISION.fullmatch(revision):
            return None
        folder = self._folder(table_id)
        try:
            names = sorted(p.name for p in folder.iterdir())
        except FileNotFoundError:
            return None
        for name in names:
            found = _BUILT.fullmatch(name)
            if found and found[1] == revision and found[2] == fmt:
                path = folder / name
                try:
                    size = path.stat().st_size
                except FileNotFoundError:
                    continue
                return FileFacts(path, fmt, size, found[3], found[4])
        return None

    def ensure(self, table: DataTable, fmt: str, *, ahead: bool = False) -> FileFacts:
        """The file of ``table``'s current revision in ``fmt``, built first if it is not yet. The caller
        has checked that the table is public (:func:`pxbridge.service.get_table`), or builds ``ahead``
        for a revision that waits for its release (:mod:`pxbridge.prebuild`): then the public
        revision's files stay. Raises ValueError for a table without stored cells or an unknown format,
        OSError when the disk write fails (leaving no file under a built name)."""
        revision = file_revision(table)
        if revision is None or fmt not in offered(table):
            raise ValueError(f"table {table.id} has no {fmt!r} file")
        found = self.built(table.id, revision, fmt)
        if found is not None:
            return found
        with self._lock(table.id, revision, fmt), self._file_lock(table.id, revision, fmt):
            found = self.built(table.id, revision, fmt)  # built while this one waited
            if found is not None:
                return found
            cube = whole_cube(self.store, table, file_language(table))
            if fmt == "px":  # a PX file holds every language the table has (issue 21)
                cube = translated(table, cube)
            made = self.write(table.id, revision, fmt, self.renderers[fmt](cube))
        if not ahead:
            # The table's earlier revisions are 404 from the moment its row names this one.
            self.discard_others(table.id, revision)
        return made

    def write(self, table_id: str, revision: str, fmt: str, pieces: Iterable[bytes]) -> FileFacts:
        """``pieces`` as the built file of ``revision`` in ``fmt``: written to a temporary file in the
        table's folder, synced, then renamed to the name its checksums give. Raises OSError (and
        whatever ``pieces`` raise), removing the temporary file."""
        folder = self._folder(table_id)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f"{TMP_PREFIX}{revision}.{fmt}.")
        tmp = Path(tmp_name)
        sha256, sha1, size = hashlib.sha256(), hashlib.sha1(usedforsecurity=False), 0
        try:
            with os.fdopen(fd, "wb") as handle:
                for piece in pieces:
                    handle.write(piece)
                    sha256.update(piece)
                    sha1.update(piece)
                    size += len(piece)
                handle.flush()
                os.fsync(handle.fileno())
            path = folder / f"{revision}.{fmt}.{sha256.hexdigest()}.{sha1.hexdigest()}"
            os.replace(tmp, path)
            _sync_folder(folder)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        return FileFacts(path, fmt, size, sha256.hexdigest(), sha1.hexdigest())

    def discard_others(self, table_id: str, keep: str | None) -> int:
        """Remove ``table_id``'s files of every revision but ``keep`` (None: all of them): built files,
        lock files, and what killed builds left; returns how many went. A file being built at the
        moment (its lock held by any process) is left for the next call."""
        try:
            paths = list(self._folder(table_id).iterdir())
        except FileNotFoundError:
            return 0
        groups: dict[tuple[str, str], list[Path]] = {}
        for path in paths:
            found = (
                _BUILT.fullmatch(path.name)
                or _LOCK.fullmatch(path.name)
                or _TEMPORARY.fullmatch(path.name)
            )
            if found and found[1] != keep:
                groups.setdefault((found[1], found[2]), []).append(path)
        gone = 0
        for (revision, fmt), found_paths in groups.items():
            with self._file_lock(table_id, revision, fmt, wait=False) as free:
                if not free:
                    continue
                for path in found_paths:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        gone += 1
                with contextlib.suppress(FileNotFoundError):
                    self._lock_path(table_id, revision, fmt).unlink()
        return gone

    def scan(self) -> list[StoreFile]:
        """Every file under the root, one folder per table, in name order, with the file revision it
        belongs to (built, lock and temporary files; None for anything else)."""
        found: list[StoreFile] = []
        if not self.root.is_dir():
            return found
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir()):
                named = (
                    _BUILT.fullmatch(path.name)
                    or _LOCK.fullmatch(path.name)
                    or _TEMPORARY.fullmatch(path.name)
                )
                with contextlib.suppress(FileNotFoundError):
                    stat = path.stat()
                    revision = named[1] if named else None
                    found.append(
                        StoreFile(folder.name, revision, False, path, stat.st_mtime, stat.st_size)
                    )
        return found

    def shared(self) -> list[SharedEntry]:
        """The files kept in the database: none here (see :mod:`pxbridge.store.shared_files`)."""
        return []

    def drop_shared(self, key: str, revision: str, cutoff: datetime) -> bool:
        """Remove a file revision's shared copies stored before ``cutoff``: nothing here."""
        return False

    def _lock(self, table_id: str, revision: str, fmt: str) -> threading.Lock:
        """This process's lock on building one file (threads of a process share one ``flock``)."""
        with self._guard:
            return self._locks.setdefault((table_id, revision, fmt), threading.Lock())

    def _lock_path(self, table_id: str, revision: str, fmt: str) -> Path:
        return self._folder(table_id) / f".lock-{revision}.{fmt}"

    @contextlib.contextmanager
    def _file_lock(
        self, table_id: str, revision: str, fmt: str, *, wait: bool = True
    ) -> Iterator[bool]:
        """Held while one process builds a file, so another process waits and serves that file
        (``flock``: the kernel lets go when the holder dies). Yields whether it is held: without
        ``wait``, False when another holds it."""
        path = self._lock_path(table_id, revision, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _sync_folder(folder: Path) -> None:
    """The rename made durable, so a name never outlives a crash without its bytes."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
