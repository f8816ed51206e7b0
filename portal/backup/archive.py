"""Writing and checking a backup archive (the layout is in :mod:`portal.backup`). Never imports Flask.

Consistency between the rows and the cell files: a cell file is written before the rows that name it
are committed, and a replaced revision is deleted only after the replacing commit. So every file the
snapshot's rows name existed when the snapshot was read; if one has gone by the time it is copied, a
later commit replaced it, and the whole archive is made again from a newer snapshot. Files no snapshot
row names (a table being written, or one replaced since) are never copied.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Engine

from portal.backup.database import DatabaseDump, DumpError, TableDump, dump_database

FORMAT = 1
MANIFEST = "manifest.json"
#: Instance files carried as they are; ``secret_key`` signs sessions and keys the rate-limit hashes.
INSTANCE_FILES = ("secret_key", "config.py")
#: The cell store's layout (pxbridge/store/cell_store.py): ``tables/<table id>/<revision>.npy`` and ``.nan.npy``.
_TABLE_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REVISION = re.compile(r"[0-9a-f]{16}")
_MEMBER = re.compile(
    r"database/[a-z][a-z0-9_]{0,62}\.jsonl"
    r"|instance/(secret_key|config\.py)"
    r"|instance/tables/[A-Za-z0-9_-]{1,64}/[0-9a-f]{16}(\.nan)?\.npy"
)
_CHUNK = 1 << 20
_MANIFEST_LIMIT = 64 << 20


class BackupError(Exception):
    """A backup could not be made; the message says why. No archive is left behind."""


class DamagedArchive(Exception):
    """The archive is unreadable or does not match its manifest; nothing was changed."""


@dataclass(frozen=True)
class ArchiveFile:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """The archive's table of contents. ``created_at`` is aware UTC."""

    portal_version: str
    created_at: datetime
    database_kind: str
    revision: str | None
    tables: tuple[TableDump, ...]
    files: tuple[ArchiveFile, ...]
    format: int = FORMAT

    def to_json(self) -> bytes:
        document = {
            "format": self.format,
            "portal_version": self.portal_version,
            "created_at": self.created_at.isoformat(),
            "database": {
                "kind": self.database_kind,
                "alembic_revision": self.revision,
                "tables": [
                    {"name": t.name, "columns": t.columns, "kinds": t.kinds, "rows": t.rows}
                    for t in self.tables
                ],
            },
            "search_index": "not included: restore rebuilds it (portal search reindex)",
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
        }
        return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Raises DamagedArchive for anything but a manifest of this format."""
        try:
            document = json.loads(raw)
            if document["format"] != FORMAT:
                raise DamagedArchive(
                    f"The archive has format {document['format']}; this portal reads format {FORMAT}."
                )
            database = document["database"]
            return cls(
                portal_version=str(document["portal_version"]),
                created_at=datetime.fromisoformat(document["created_at"]),
                database_kind=str(database["kind"]),
                revision=database["alembic_revision"],
                tables=tuple(
                    TableDump(t["name"], tuple(t["columns"]), tuple(t["kinds"]), int(t["rows"]))
                    for t in database["tables"]
                ),
                files=tuple(
                    ArchiveFile(str(f["path"]), int(f["size"]), str(f["sha256"]))
                    for f in document["files"]
                ),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise DamagedArchive(f"The manifest is unreadable ({error}).") from None


class _CellsChanged(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


class _Hashing(io.RawIOBase):
    """Reads through ``source`` and keeps the SHA-256 and length of what was read."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def default_name(now: datetime) -> str:
    """``portal-backup-20261123T080000Z.tar.gz`` for aware ``now``."""
    return f"portal-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"


def create_backup(
    engine: Engine,
    instance: Path,
    output: Path,
    *,
    now: datetime,
    version: str,
    attempts: int = 3,
    on_snapshot: Callable[[], None] | None = None,
) -> Manifest:
    """Write the archive of the database behind ``engine`` and the instance folder ``instance`` to
    ``output``: built beside it under a temporary name, then renamed, so ``output`` is either whole
    or absent. ``now`` (aware UTC) is recorded as the creation time. ``on_snapshot`` is called after
    each attempt's database snapshot (tests write tables there).

    Raises BackupError when the database has no schema, when tables were replaced during every one of
    ``attempts`` snapshots, or when the folder of ``output`` does not exist; SQLAlchemyError and
    OSError as they come."""
    output = output.absolute()
    if not output.parent.is_dir():
        raise BackupError(f"There is no folder {output.parent}.")
    missing: Path | None = None
    for _ in range(attempts):
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".portal-backup-") as work:
            staging = Path(work)
            try:
                dump = dump_database(engine, staging / "database")
            except DumpError as error:
                raise BackupError(str(error)) from None
            if dump.revision is None:
                raise BackupError("The database has no schema: there is nothing to back up.")
            if on_snapshot is not None:
                on_snapshot()
            partial = staging / "archive.tar.gz"
            try:
                manifest = _write_archive(
                    partial, staging / "database", dump, instance, now, version
                )
            except _CellsChanged as changed:
                missing = changed.path
                continue
            os.replace(partial, output)
            _sync_folder(output.parent)
            return manifest
    raise BackupError(
        f"The cell file {missing} was gone each time it was copied, in {attempts} snapshots: "
        "tables are being replaced faster than a backup runs, or the table store lacks a file "
        "the database names. Try again; if it persists, upload that table again."
    )


def _cell_files(database: Path, dump: DatabaseDump) -> list[tuple[str, str]]:
    """(table id, revision) of every stored table in the dump (pxbridge's ``data_table`` rows)."""
    found = next((t for t in dump.tables if t.name == "data_table"), None)
    if found is None:
        return []
    # The table id is ``public_id`` since 0022 (``id`` is the row's key, private for a kept row).
    key_column = "public_id" if "public_id" in found.columns else "id"
    key, revision = found.columns.index(key_column), found.columns.index("store_revision")
    pairs = []
    with (database / found.file).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row[revision] is None:  # mirrored from a remote PxWeb: its cells stay there
                continue
            if not (_TABLE_KEY.fullmatch(row[key]) and _REVISION.fullmatch(row[revision])):
                raise BackupError(f"Table {row[key]!r} names a cell file {row[revision]!r}.")
            pairs.append((row[key], row[revision]))
    return list(dict.fromkeys(pairs))  # a kept row may share its revision with the latest


def _write_archive(
    path: Path, database: Path, dump: DatabaseDump, instance: Path, now: datetime, version: str
) -> Manifest:
    files: list[ArchiveFile] = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds the secret key
    with os.fdopen(fd, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:

            def add(name: str, source: Path) -> None:
                with source.open("rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    info = tarfile.TarInfo(name)
                    info.size, info.mode, info.mtime = size, 0o600, int(now.timestamp())
                    reader = _Hashing(handle)
                    tar.addfile(info, reader)
                files.append(ArchiveFile(name, reader.size, reader.digest.hexdigest()))

            for one in dump.tables:
                add(f"database/{one.file}", database / one.file)
            for name in INSTANCE_FILES:
                if (instance / name).is_file():
                    add(f"instance/{name}", instance / name)
            for key, revision in _cell_files(database, dump):
                cells = instance / "tables" / key / f"{revision}.npy"
                try:
                    add(f"instance/tables/{key}/{revision}.npy", cells)
                except FileNotFoundError:
                    raise _CellsChanged(cells) from None
                # The symbol positions are derived from the cells (and rebuilt when absent).
                with contextlib.suppress(FileNotFoundError):
                    add(
                        f"instance/tables/{key}/{revision}.nan.npy",
                        cells.with_name(f"{revision}.nan.npy"),
                    )
            manifest = Manifest(
                portal_version=version,
                created_at=now,
                database_kind=dump.kind,
                revision=dump.revision,
                tables=dump.tables,
                files=tuple(files),
            )
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(now.timestamp())
            tar.addfile(info, io.BytesIO(body))
        raw.flush()
        os.fsync(raw.fileno())
    return manifest


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_UNREADABLE = (tarfile.TarError, OSError, EOFError, zlib.error)


class Content:
    """A member's content; a read error (a truncated or corrupt stream) is DamagedArchive."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source

    def read(self, size: int = -1) -> bytes:
        try:
            return self.source.read(size)
        except _UNREADABLE as error:
            raise DamagedArchive(f"The archive is unreadable ({error}).") from None


def read_members(archive: Path) -> Iterator[tuple[tarfile.TarInfo, Content]]:
    """Each member of the archive with its content, read as a stream; raises DamagedArchive for an
    unreadable archive (also while its content is read) and for any member that is not a plain file
    of the known layout."""
    seen: set[str] = set()
    try:
        with gzip.open(archive) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not (name == MANIFEST or _MEMBER.fullmatch(name)):
                    raise DamagedArchive(f"The archive holds {name!r}, which no backup writes.")
                if name in seen:
                    raise DamagedArchive(f"The archive holds {name} twice.")
                seen.add(name)
                content = tar.extractfile(member)
                assert content is not None  # a plain file
                yield member, Content(content)
            # The tar's end marker is not the end of the file: reading the gzip stream to its end
            # checks its CRC, so damage in the padding after the last member is refused too (a byte
            # flipped there went unnoticed once new columns moved it out of what tar reads).
            while stream.read(1 << 20):
                pass
    except _UNREADABLE as error:
        raise DamagedArchive(f"The archive is unreadable ({error}).") from None


def hash_stream(content: Content, copy_to: IO[bytes] | None = None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := content.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return size, digest.hexdigest()


def compare_manifest(manifest: Manifest, found: dict[str, tuple[int, str]]) -> None:
    listed = {f.path: (f.size, f.sha256) for f in manifest.files}
    problems = [f"{p} is missing" for p in sorted(set(listed) - set(found))]
    problems += [f"{p} is not in the manifest" for p in sorted(set(found) - set(listed))]
    problems += [
        f"{p} does not match its checksum"
        for p in sorted(set(listed) & set(found))
        if listed[p] != found[p]
    ]
    problems += [
        f"database/{t.file} is missing"
        for t in manifest.tables
        if f"database/{t.file}" not in listed
    ]
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise DamagedArchive(f"The archive is damaged: {shown}.")


def verify_archive(archive: Path) -> Manifest:
    """The archive's manifest, once every member is checked against it (size and SHA-256, none
    missing, none extra). Raises DamagedArchive otherwise."""
    found: dict[str, tuple[int, str]] = {}
    raw: bytes | None = None
    for member, content in read_members(archive):
        if member.name == MANIFEST:
            raw = content.read(_MANIFEST_LIMIT)
        else:
            found[member.name] = hash_stream(content)
    if raw is None:
        raise DamagedArchive("The archive has no manifest.json: it is not a portal backup.")
    manifest = Manifest.from_json(raw)
    compare_manifest(manifest, found)
    return manifest
