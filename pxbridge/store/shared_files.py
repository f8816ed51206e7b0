"""The whole-table files of a portal on PostgreSQL that runs on several machines (issue 23): a built
file is kept in ``table_files`` (:class:`pxbridge.models.TableFilePart`) in parts, so every machine
serves the bytes the first one built, and each machine's ``downloads/<table>/`` is a cache of them.

A machine that has no file yet asks the database first and fetches it into its folder (checked
against the SHA-256 and SHA-1 its name gives before it is renamed into place); only when the
database has none does it build one, under the local lock files of :class:`WholeFiles`. Two machines
building at once is allowed: the first stored name wins, the other machine drops its own file and
serves that one (xlsx files carry their build time, so two builds differ). Never imports Flask.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from portal.kernel.db import Database
from pxbridge.models import TableFilePart
from pxbridge.store.cell_store import CellStore, SharedEntry
from pxbridge.store.shared import PART_BYTES, file_identity, hashed, stamp, stream, write_file
from pxbridge.store.whole import _BUILT, _REVISION, KINDS, FileFacts, Renderer, WholeFiles

log = logging.getLogger(__name__)

_FILES = cast(Table, TableFilePart.__table__)


class SharedFileError(RuntimeError):
    """A file in the database whose bytes do not match the checksums of its name."""


class SharedWholeFiles(WholeFiles):
    """:class:`WholeFiles` whose built files are kept in the database ``database`` too."""

    def __init__(
        self,
        root: Path,
        store: CellStore,
        renderers: Mapping[str, Renderer],
        database: Database,
        *,
        part_bytes: int = PART_BYTES,
    ) -> None:
        super().__init__(root, store, renderers)
        self.database = database
        self.part_bytes = part_bytes
        self._checked: dict[Path, tuple[int, int, int] | None] = {}

    def built(self, table_id: str, revision: str, fmt: str) -> FileFacts | None:
        """The file of ``revision`` in ``fmt``: this machine's, else the database's fetched into this
        machine's folder, else None. Never builds. Raises SharedFileError when the database's bytes
        do not match their name (logged; the file is not kept)."""
        found = super().built(table_id, revision, fmt)
        if found is not None and self._intact(found):
            return found
        if fmt not in KINDS or not _REVISION.fullmatch(revision):
            return None
        return self._fetch(table_id, revision, fmt)

    def _intact(self, found: FileFacts) -> bool:
        """Whether this machine's file still has the bytes its name gives: hashed when this process
        first serves it and again whenever it changes (inode, size, mtime). A changed file is logged
        and removed, so it is fetched again (or built) and never served."""
        identity = file_identity(found.path)
        with self._guard:
            if identity is not None and self._checked.get(found.path) == identity:
                return True
        digest = hashlib.sha256()
        try:
            with open(found.path, "rb") as handle:
                while piece := handle.read(1 << 20):
                    digest.update(piece)
        except FileNotFoundError:
            return False
        if digest.hexdigest() == found.sha256:
            with self._guard:
                self._checked[found.path] = identity
            return True
        log.error("whole-table file %s does not match its name: removed", found.path)
        with contextlib.suppress(FileNotFoundError):
            found.path.unlink()
        return False

    def write(self, table_id: str, revision: str, fmt: str, pieces: Iterable[bytes]) -> FileFacts:
        """Build the file here as :meth:`WholeFiles.write` does, then store it in the database unless
        another machine stored one first: then this one's is removed and that one fetched."""
        made = super().write(table_id, revision, fmt, pieces)
        if self._share(table_id, revision, fmt, made):
            return made
        fetched = self._fetch(table_id, revision, fmt)
        if fetched is None:  # removed meanwhile (a newer revision was built): serve this build
            return made
        if fetched.path != made.path:
            with contextlib.suppress(FileNotFoundError):
                made.path.unlink()
        return fetched

    def _share(self, table_id: str, revision: str, fmt: str, made: FileFacts) -> bool:
        """Store ``made`` in parts; False when a file of this revision and format was stored first."""
        now = stamp()
        with self.database.own_transaction() as connection, open(made.path, "rb") as handle:
            piece, part = handle.read(self.part_bytes), 0
            while part == 0 or piece:
                row = {"key": table_id, "revision": revision, "format": fmt, "part": part}
                statement = insert(_FILES).values(
                    name=made.path.name, data=piece, stored_at=now, **row
                )
                # The first stored name wins: the second machine's insert waits for the first's
                # commit and adds nothing (all parts go in one transaction, so part 0 decides).
                if not connection.execute(statement.on_conflict_do_nothing()).rowcount:
                    return False
                piece, part = handle.read(self.part_bytes), part + 1
        return True

    def _fetch(self, table_id: str, revision: str, fmt: str) -> FileFacts | None:
        where = (_FILES.c.key == table_id, _FILES.c.revision == revision, _FILES.c.format == fmt)
        folder = self._folder(table_id)
        with self.database.own_connection() as connection:
            name = connection.scalar(select(_FILES.c.name).where(*where, _FILES.c.part == 0))
            found = _BUILT.fullmatch(name or "")
            if name is None or found is None or found[1] != revision or found[2] != fmt:
                return None
            sha256, sha1 = hashlib.sha256(), hashlib.sha1(usedforsecurity=False)
            size = 0

            def counted(data: Iterable[bytes]) -> Iterable[bytes]:
                nonlocal size
                for piece in data:
                    size += len(piece)
                    yield piece

            def accept() -> None:
                if (sha256.hexdigest(), sha1.hexdigest()) != (found[3], found[4]):
                    log.error(
                        "the file %s/%s in the database does not match its name", table_id, name
                    )
                    raise SharedFileError(f"the file {table_id}/{name} does not match its name")

            data = stream(connection, select(_FILES.c.data).where(*where).order_by(_FILES.c.part))
            write_file(folder / name, counted(hashed(data, sha256, sha1)), accept=accept)
        return FileFacts(folder / name, fmt, size, found[3], found[4])

    def discard_others(self, table_id: str, keep: str | None) -> int:
        """Remove ``table_id``'s files of every revision but ``keep`` here and in the database."""
        self._folder(table_id)
        with self.database.own_transaction() as connection:
            connection.execute(
                delete(_FILES).where(_FILES.c.key == table_id, _FILES.c.revision != (keep or ""))
            )
        return super().discard_others(table_id, keep)

    def shared(self) -> list[SharedEntry]:
        """Every file in the database, in key, revision and format order."""
        with self.database.own_connection() as connection:
            rows = connection.execute(
                select(
                    _FILES.c.key,
                    _FILES.c.revision,
                    func.min(_FILES.c.name),
                    func.count(),
                    func.sum(func.length(_FILES.c.data)),
                    func.max(_FILES.c.stored_at),
                )
                .group_by(_FILES.c.key, _FILES.c.revision, _FILES.c.format)
                .order_by(_FILES.c.key, _FILES.c.revision, _FILES.c.format)
            )
            return [SharedEntry(k, r, name, n, int(b or 0), at) for k, r, name, n, b, at in rows]

    def drop_shared(self, key: str, revision: str, cutoff: datetime) -> bool:
        """Remove every file of ``revision`` of table ``key`` from the database if stored before
        ``cutoff`` (checked in the same statement)."""
        where = (_FILES.c.key == key, _FILES.c.revision == revision)
        newest = select(func.max(_FILES.c.stored_at)).where(*where).scalar_subquery()
        with self.database.own_transaction() as connection:
            return bool(connection.execute(delete(_FILES).where(*where, newest < cutoff)).rowcount)
