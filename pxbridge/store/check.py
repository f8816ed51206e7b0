"""``portal tables check``: the cell store against the tables that name its files.

An upload writes its cell file before the rows that name it are committed, and deletes the file it
replaced after; a process killed in between (or a failure nothing caught) leaves a file no row names,
or a ``.tmp-*`` file of a write cut short. Issue 16: three failed replacements of a 1-million-cell
table grew the store from 8 to 32 MB. This finds those files and removes them, and reports rows whose
cells are missing or unreadable (it never deletes a row: that is a table someone published).

Files younger than the grace period are left alone: they may be an upload's, written and not yet
committed. Never imports Flask.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pxbridge.models import DataTable
from pxbridge.store.cell_store import CellStore, SharedEntry, StoreFile
from pxbridge.store.whole import WholeFiles, file_revision_of


@dataclass(frozen=True)
class Damaged:
    """A table whose cell file is missing or cannot be read as its cells."""

    table_id: str
    revision: str
    problem: str


@dataclass(frozen=True)
class StoreReport:
    """What :func:`check_store` found: the tables checked, the files it removed (or, in a dry run,
    would remove), those it left for being younger than the grace period, files it does not know
    (left alone), and the damaged tables."""

    tables: int
    files: int
    removed: tuple[StoreFile, ...]
    young: tuple[StoreFile, ...]
    unknown: tuple[StoreFile, ...]
    damaged: tuple[Damaged, ...]
    #: Shared stores (issue 23): revisions and whole-table files in the database no row names,
    #: removed or left for being young; and this machine's whole-table files no row names, removed.
    shared_removed: tuple[SharedEntry, ...] = ()
    shared_young: tuple[SharedEntry, ...] = ()
    downloads_removed: tuple[StoreFile, ...] = ()

    @property
    def removed_bytes(self) -> int:
        return sum(f.size for f in self.removed)


def check_store(
    session: Session,
    store: CellStore,
    *,
    now: datetime,
    grace: timedelta,
    dry_run: bool,
    files: WholeFiles | None = None,
) -> StoreReport:
    """Remove the store's orphan revisions (files no ``data_table`` row names: cells and their
    symbol positions) and temporary files, each once older than ``grace`` at ``now`` (an aware
    datetime on the file system's clock); nothing is removed in a ``dry_run``. Reports tables
    whose cell file is missing or unreadable, without changing them.

    The files are listed before the rows are read, so a table committed while this runs is seen
    with its file; an upload's file not yet committed is younger than ``grace`` (an upload that
    finds its cells already stored makes the file young again, see ``CellStore.put``).
    """
    listed = store.scan()
    shared = [*store.shared(), *(files.shared() if files is not None else [])]
    downloads = files.scan() if files is not None else []
    found_rows = [
        (table_id, revision, cells, version)
        for table_id, revision, cells, version in session.execute(
            select(DataTable.id, DataTable.store_revision, DataTable.cells, DataTable.version)
        )
        if revision is not None  # a mirrored table: its cells stay with its remote
    ]
    rows = [(table_id, revision, cells) for table_id, revision, cells, _ in found_rows]
    named = {(table_id, revision) for table_id, revision, _ in rows}
    named_files = {(t, file_revision_of(r, v)) for t, r, _, v in found_rows}
    shared_removed, shared_young = _check_shared(
        shared, named | named_files, store, files, now - grace, dry_run
    )
    downloads_removed = [
        found
        for found in downloads
        if found.revision is not None
        and (found.key, found.revision) not in named_files
        and found.modified <= now.timestamp() - grace.total_seconds()
    ]
    if not dry_run:
        for found in downloads_removed:
            with contextlib.suppress(FileNotFoundError):
                found.path.unlink()
    files_found = listed
    cutoff = now.timestamp() - grace.total_seconds()
    groups: dict[tuple[str, str], list[StoreFile]] = {}
    temporary: list[StoreFile] = []
    unknown: list[StoreFile] = []
    for found in files_found:
        if found.temporary:
            temporary.append(found)
        elif found.revision is None:
            unknown.append(found)
        elif (found.key, found.revision) not in named:
            groups.setdefault((found.key, found.revision), []).append(found)
    removed: list[StoreFile] = []
    young: list[StoreFile] = []
    for (key, revision), group in groups.items():
        # A revision's two files go together, when the younger of them is old enough.
        if max(f.modified for f in group) > cutoff:
            young.extend(group)
            continue
        if not dry_run:
            store.forget(key, revision)  # this machine's files only: a shared copy is checked below
        removed.extend(group)
    for found in temporary:
        if found.modified > cutoff:
            young.append(found)
            continue
        if not dry_run:
            with contextlib.suppress(FileNotFoundError):
                found.path.unlink()
        removed.append(found)
    if not dry_run:
        for folder in {f.path.parent for f in removed}:
            with contextlib.suppress(OSError):  # not empty: another revision lives there
                folder.rmdir()
    damaged = [
        Damaged(table_id, revision, problem)
        for table_id, revision, cells in sorted(rows)
        if (problem := store.problem(table_id, revision, cells)) is not None
    ]
    return StoreReport(
        tables=len(rows),
        files=len(files_found),
        removed=tuple(removed),
        young=tuple(young),
        unknown=tuple(unknown),
        damaged=tuple(damaged),
        shared_removed=tuple(shared_removed),
        shared_young=tuple(shared_young),
        downloads_removed=tuple(downloads_removed),
    )


def _check_shared(
    entries: list[SharedEntry],
    named: set[tuple[str, str]],
    store: CellStore,
    files: WholeFiles | None,
    cutoff: datetime,
    dry_run: bool,
) -> tuple[list[SharedEntry], list[SharedEntry]]:
    """The shared cells and files no row names: (removed, left for being stored after ``cutoff``).
    A file entry has a name; its revision is a file revision (:func:`file_revision_of`)."""
    removed: list[SharedEntry] = []
    young: list[SharedEntry] = []
    for entry in entries:
        if (entry.key, entry.revision) in named:
            continue
        if entry.stored_at > cutoff:
            young.append(entry)
            continue
        if not dry_run:
            owner = files if entry.name and files is not None else store
            owner.drop_shared(entry.key, entry.revision, cutoff)
        removed.append(entry)
    return removed, young
