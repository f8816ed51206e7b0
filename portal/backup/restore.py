"""Bringing a backup archive back into an empty database and instance folder. Never imports Flask.

Everything that can be checked is checked before anything changes: every member against the manifest's
checksums, the archive's schema revision against the migrations this version knows, and the target
(a database without rows, an instance folder without cell files, unless ``force``). The archive is then
unpacked into a temporary folder inside the instance folder (checked again on the way, in case it
changed), the database is migrated to the archive's revision and loaded in one transaction, and only
then are the cell files moved into place.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from portal.backup.archive import (
    MANIFEST,
    DamagedArchive,
    Manifest,
    hash_stream,
    read_members,
    verify_archive,
)
from portal.backup.database import DumpError, drop_everything, load_database, table_counts
from portal.kernel import migrate
from portal.kernel.db import make_engine


class RestoreRefused(Exception):
    """The restore would overwrite data, or cannot run with this version; nothing was changed."""


class RestoreFailed(Exception):
    """Loading failed after the schema was made; the database holds no rows, the instance folder is
    as it was."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    rows: int
    cell_files: int
    #: Where the archive's config.py was put when the instance folder had a different one (kept).
    config_aside: Path | None
    #: True when the archive's revision is the newest this version knows (the portal can serve it).
    at_head: bool


def _ancestors(script: ScriptDirectory, revision: str) -> set[str]:
    return {r.revision for r in script.iterate_revisions(revision, "base")}


def _migration_rows(revision: str) -> dict[str, int]:
    """Rows per table that the migrations up to ``revision`` insert themselves (0003 starts the
    calendar's revision counter): a database holding only these is empty. Found by migrating a
    scratch database in memory."""
    scratch = make_engine("sqlite://")
    try:
        migrate.upgrade(scratch, revision)
        return table_counts(scratch)
    finally:
        scratch.dispose()


def _knows(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def _check_target(
    engine: Engine, instance: Path, manifest: Manifest, *, force: bool
) -> tuple[bool, bool]:
    """Raises RestoreRefused unless the target may take the archive; returns whether the database has
    to be emptied first and whether it is at the newest revision this version knows."""
    script = ScriptDirectory.from_config(migrate.alembic_config(engine))
    if manifest.revision is None:
        raise DamagedArchive("The archive records no schema revision.")
    try:
        ancestors = _ancestors(script, manifest.revision)
    except CommandError:
        raise RestoreRefused(
            f"The archive's schema revision {manifest.revision} is unknown to this version of the "
            f"portal: it was made by version {manifest.portal_version}; install that version (or a "
            "newer one) to restore it."
        ) from None
    counts = table_counts(engine)
    current = migrate.current_revision(engine)
    if not force:
        known = counts and current is not None and _knows(script, current)
        seeded = _migration_rows(current) if known and current is not None else {}
        filled = {name: n for name, n in counts.items() if n and n != seeded.get(name)}
        if filled:
            sample = ", ".join(f"{name}: {n}" for name, n in list(filled.items())[:3])
            raise RestoreRefused(
                f"The database is not empty ({sum(filled.values())} rows in {len(filled)} tables; "
                f"{sample}). Restore into an empty database, or give --force to replace everything "
                "in it and in the instance folder's table store."
            )
        if _has_files(instance / "tables"):
            raise RestoreRefused(
                f"The instance folder already holds table cells ({instance / 'tables'}). Restore "
                "into a new instance folder, or give --force to replace them."
            )
        if counts and current not in ancestors:
            raise RestoreRefused(
                f"The database's schema is at revision {current}, which the archive's revision "
                f"{manifest.revision} does not build on. Restore into a database without tables, "
                "or give --force to drop them."
            )
    return bool(counts) and (force or current not in ancestors), (
        manifest.revision == script.get_current_head()
    )


def _unpack(archive: Path, manifest: Manifest, staging: Path) -> None:
    """Every member but the manifest into ``staging``, checked again against the manifest (the
    archive may have changed since it was verified). Raises DamagedArchive."""
    listed = {f.path: (f.size, f.sha256) for f in manifest.files}
    for member, content in read_members(archive):
        if member.name == MANIFEST:
            continue
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            found = hash_stream(content, copy_to=out)
        if listed.get(member.name) != found:
            raise DamagedArchive(f"{member.name} changed since the archive was checked.")


def _write_file(path: Path, content: bytes) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(fd, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(name, path)


def _install_instance(staging: Path, instance: Path) -> tuple[int, Path | None]:
    """Move the unpacked cells, secret key and config.py into ``instance``; returns how many cell
    files, and where the archive's config.py went if the folder's own (different) one was kept."""
    cells = staging / "instance" / "tables"
    target = instance / "tables"
    if target.exists():
        target.rename(staging / "replaced-tables")  # empty, or --force: removed with the staging
    count = sum(1 for p in cells.glob("*/*.npy") if not p.name.endswith(".nan.npy"))
    if cells.is_dir():
        cells.rename(target)
    secret = staging / "instance" / "secret_key"
    if secret.is_file():
        _write_file(instance / "secret_key", secret.read_bytes())
        os.chmod(instance / "secret_key", 0o600)
    config = staging / "instance" / "config.py"
    aside = None
    if config.is_file():
        present = instance / "config.py"
        if not present.exists():
            _write_file(present, config.read_bytes())
        elif present.read_bytes() != config.read_bytes():
            aside = instance / "config.py.from-backup"
            _write_file(aside, config.read_bytes())
    return count, aside


def restore_backup(
    engine: Engine, instance: Path, archive: Path, *, force: bool = False
) -> RestoreResult:
    """Restore ``archive`` into the database behind ``engine`` and the instance folder ``instance``,
    which must hold no rows and no cell files unless ``force`` (then both are replaced). The database
    ends at the archive's revision. The search index is not touched (the caller rebuilds it).

    Raises DamagedArchive and RestoreRefused having changed nothing, and RestoreFailed when the rows
    do not load (the database is then left with its schema and no rows)."""
    manifest = verify_archive(archive)
    empty_first, at_head = _check_target(engine, instance, manifest, force=force)
    assert manifest.revision is not None
    instance.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=instance, prefix=".restore-") as work:
        staging = Path(work)
        _unpack(archive, manifest, staging)
        if empty_first:
            drop_everything(engine)
        migrate.upgrade(engine, manifest.revision)
        try:
            with engine.begin() as connection:
                rows = load_database(connection, staging / "database", manifest.tables)
        except DumpError as error:
            raise RestoreFailed(f"The rows could not be loaded: {error}") from None
        cells, aside = _install_instance(staging, instance)
    return RestoreResult(manifest, rows, cells, aside, at_head)
