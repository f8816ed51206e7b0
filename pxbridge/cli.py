"""``portal tables``: bulk import of PX files from a folder (with a progress bar), a listing, and a
check of the cell store against the tables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app

from portal.http import instant
from portal.http.db import get_database
from portal.kernel.access import CLI_ACTOR
from portal.kernel.clock import SystemClock
from portal.kernel.errors import PortalError
from pxbridge import service
from pxbridge.blueprint import get_store
from pxbridge.ingest.px import read_px
from pxbridge.ingest.storing import commit_table, store_table
from pxbridge.store.cell_store import SharedEntry, StoreFile
from pxbridge.store.check import check_store


@click.group("tables")
def tables_group() -> None:
    """Statistical tables: import PX files, list what is stored, check the cell store."""


@tables_group.command("import-px")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--statistic", required=True, help="Slug of the statistic the tables belong to.")
@click.option("--release", type=int, default=None, help="Hide the tables until this release.")
def import_px(folder: Path, statistic: str, release: int | None) -> None:
    """Import every *.px file in FOLDER, each in its own transaction: a bad file is reported with its
    line and keyword and skipped, leaving nothing behind; the others are stored, and what PxWeb would
    warn about in them (read on past, or left out) is listed with its line and keyword."""
    files = sorted(folder.glob("*.px"))
    if not files:
        raise click.ClickException(f"No .px files in {folder}.")
    store, now = get_store(), instant.now()
    failed: list[str] = []
    warned: list[str] = []
    with click.progressbar(
        files, label="Importing", item_show_func=lambda p: p.name if p else ""
    ) as bar:
        for path in bar:
            try:
                with get_database().sessions() as session, open(path, "rb") as handle:
                    parsed = read_px(handle, max_cells=current_app.config["TABLE_MAX_CELLS"])
                    table, replaced = store_table(
                        session,
                        CLI_ACTOR,
                        store,
                        parsed,
                        statistic_slug=statistic,
                        release_id=release,
                        now=now,
                    )
                    commit_table(session, store, table, replaced)
                warned += [
                    f"{path.name}: line {w.line}: {w.keyword}: {w.text}" for w in parsed.warnings
                ]
            except PortalError as error:
                where = "; ".join(f"{e.pointer}: {e.detail}" for e in error.errors[:3])
                failed.append(f"{path.name}: {error.detail} {where}".strip())
    click.echo(f"{len(files) - len(failed)} of {len(files)} tables imported.")
    if warned:
        click.echo(f"{len(warned)} warnings (read as PxWeb reads them):")
    for line in warned:
        click.echo(f"  warning {line}")
    for line in failed:
        click.echo(f"  refused {line}", err=True)
    if failed:
        raise SystemExit(1)


@tables_group.command("list")
def list_command() -> None:
    """Every public table: id, cells, title."""
    with get_database().session() as session:
        rows, _ = service.list_tables(session, instant.now(), page_size=10_000)
        for table in rows:
            click.echo(f"{table.id:12} {table.cells:>12,}  {table.title_nb}")


@tables_group.command("files")
def files_command() -> None:
    """Build the whole-table files (every format) of each public table's current revision that are not
    built yet, so the catalogue can state their sizes and checksums at once; a file is otherwise built
    on its first download. Safe beside running servers: a file being built elsewhere is waited for."""
    from pxbridge.pages.views import whole_files_of
    from pxbridge.store import whole

    files = whole_files_of()
    made = kept = 0
    with get_database().session() as session:
        moment = instant.now()
        rows, _ = service.list_tables(session, moment, page_size=10_000)
        for row in rows:
            table = service.get_table(session, row.id, moment)
            revision = whole.file_revision(table)
            if revision is None:  # a mirrored table: no cells here
                continue
            for fmt in whole.offered(table):
                if files.built(table.id, revision, fmt) is not None:
                    kept += 1
                    continue
                facts = files.ensure(table, fmt)
                made += 1
                click.echo(f"built {table.id} {fmt} ({facts.byte_size:,} bytes)")
    click.echo(f"{made} files built, {kept} already there.")


@tables_group.command("check")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; remove nothing.")
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds: younger files may be an upload's that is not committed yet, and are left.",
)
def check_command(dry_run: bool, older_than: float) -> None:
    """Check the cell store against the tables: remove cell files no table names (left by a failed
    or killed upload) and temporary files, once older than --older-than seconds; report tables
    whose cell file is missing or unreadable (never deleting a table). Exit status 1 if any is."""
    from pxbridge.pages.views import whole_files_of

    store = get_store()
    with get_database().sessions() as session:
        # File ages are on the file system's clock, whatever clock the portal is given.
        report = check_store(
            session,
            store,
            now=SystemClock().now(),
            grace=timedelta(seconds=older_than),
            dry_run=dry_run,
            files=whole_files_of(),
        )
    verb = "would remove" if dry_run else "removed"
    for found in report.removed:
        click.echo(f"{verb} {_describe(found, store.root)}")
    for found in report.young:
        click.echo(f"left (younger than {older_than:g} s) {_describe(found, store.root)}")
    for found in report.unknown:
        click.echo(f"left {_describe(found, store.root)}")
    for entry in report.shared_removed:
        click.echo(f"{verb} {_shared(entry)}")
    for entry in report.shared_young:
        click.echo(f"left (younger than {older_than:g} s) {_shared(entry)}")
    downloads = Path(current_app.instance_path) / "downloads"
    for found in report.downloads_removed:
        click.echo(f"{verb} downloads/{found.path.relative_to(downloads)} (whole-table file)")
    for damaged in report.damaged:
        click.echo(f"table {damaged.table_id} ({damaged.revision}): {damaged.problem}", err=True)
    click.echo(
        f"{report.tables} tables, {report.files} files: {verb} {len(report.removed)} files "
        f"({report.removed_bytes / 1e6:.1f} MB); {len(report.damaged)} tables with missing or "
        "unreadable cells."
    )
    if report.damaged:
        raise SystemExit(1)


def _shared(entry: SharedEntry) -> str:
    what = f"whole-table file {entry.name}" if entry.name else "cells"
    return f"shared {entry.key}/{entry.revision} ({what}, {entry.parts} parts, {entry.size / 1e6:.1f} MB)"


def _describe(found: StoreFile, root: Path) -> str:
    if found.temporary:
        kind = "temporary file"
    elif found.revision is None:
        kind = "not a store file"
    else:
        kind = "symbol positions" if found.side else "cells"
    return f"{found.path.relative_to(root)} ({kind}, {found.size / 1e6:.1f} MB)"


@click.group("remotes")
def remotes_group() -> None:
    """Producers' existing PxWeb installations the portal mirrors."""


@remotes_group.command("add")
@click.option("--producer", required=True, help="Short name or slug of the producer running it.")
@click.option(
    "--statistic", required=True, help="Slug of the statistic its tables are filed under."
)
@click.option("--base-url", required=True, help="The PxWebApi 2.0 root, e.g. https://…/api/v2")
@click.option("--name", default="", help="A name for it (default: the host).")
@click.option("--prefix", default="", help="Put before its table ids, so they cannot collide here.")
@click.option("--language", default="no", help="The language to ask it in (no, en, sv …).")
def remotes_add(
    producer: str, statistic: str, base_url: str, name: str, prefix: str, language: str
) -> None:
    """Register a remote PxWebApi 2.0 (then run `portal remotes sync`)."""
    from sqlalchemy import select

    from portal.programme.models import Statistic
    from portal.programme.service import find_producer
    from pxbridge.remotes.bridge import register

    try:
        with get_database().session() as session:
            owner = find_producer(session, producer)
            found = session.scalar(select(Statistic).where(Statistic.slug == statistic))
            if found is None or found.producer_id != owner.id:
                raise click.ClickException(f"{owner.short_name} has no statistic '{statistic}'.")
            source = register(
                session,
                producer_id=owner.id,
                statistic_id=found.id,
                name=name or base_url.split("/")[2],
                base_url=base_url,
                prefix=prefix,
                language=language,
                now=instant.now(),
            )
            click.echo(f"Remote {source.id} registered: {source.base_url}")
    except PortalError as error:
        raise click.ClickException(error.detail or error.title) from None


@remotes_group.command("sync")
@click.argument("remote_id", type=int, required=False)
@click.option(
    "--every",
    type=click.FloatRange(min=1.0),
    default=None,
    help="Keep running: sync again every this many seconds (a service instead of cron).",
)
@click.option(
    "--passes",
    type=click.IntRange(min=1),
    default=None,
    help="With --every: stop after this many passes (default: until stopped).",
)
def remotes_sync(remote_id: int | None, every: float | None, passes: int | None) -> None:
    """Mirror every remote's table list and metadata (or one). Run it on a schedule: from cron (e.g.
    hourly), or as a long-running job with --every 3600. A remote that fails keeps its last mirror,
    gets its error recorded, and the others are synced all the same; --every carries on after a
    failed pass. The exit status is 1 when the (last) pass had a failure."""
    import time

    failed = _sync_pass(remote_id)
    done = 1
    while every is not None and (passes is None or done < passes):
        time.sleep(every)
        failed = _sync_pass(remote_id)
        done += 1
    if failed:
        raise SystemExit(1)


def _sync_pass(remote_id: int | None) -> int:
    """One sync of every remote (or one); returns how many failed. A remote is asked while no
    transaction is open (``Database.session`` holds SQLite's write lock), its mirror written in a
    short transaction, and its error recorded in a transaction of its own, so a failed sync's
    rollback cannot take the error with it (issue 16). Raises ClickException for an unknown
    ``remote_id``."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from pxbridge.models import RemoteSource

    try:
        with get_database().session() as session:
            if remote_id is not None and session.get(RemoteSource, remote_id) is None:
                raise click.ClickException(f"There is no remote {remote_id}.")
            ids = [remote_id] if remote_id else list(session.scalars(select(RemoteSource.id)))
    except SQLAlchemyError as error:  # the database is away: this pass fails, --every goes on
        click.echo(f"The remotes could not be listed: {type(error).__name__}: {error}", err=True)
        return 1
    failed = 0
    for number in ids:
        try:
            count, where = _sync_one(number)
            if count is not None:
                click.echo(f"Remote {number} ({where}): {count} tables mirrored.")
        # One remote's failure (its answer, or a bug it runs into) must not stop the others'.
        except Exception as error:  # noqa: BLE001
            failed += 1
            detail = (
                error.detail or error.title
                if isinstance(error, PortalError)
                else f"{type(error).__name__}: {error}"
            )
            click.echo(f"Remote {number}: {detail}", err=True)
            _record_error(number, detail)
    return failed


def _sync_one(remote_id: int) -> tuple[int | None, str]:
    """Sync one remote: (tables mirrored, its address); (None, "") when it was removed meanwhile.
    Raises RemoteFailure, or what storing the mirror raised."""
    from pxbridge.blueprint import remote_access
    from pxbridge.models import RemoteSource
    from pxbridge.remotes.bridge import fetch_listing, remote_client, store_mirror

    now = instant.now()
    with get_database().session() as session:
        source = session.get(RemoteSource, remote_id)
        if source is None:
            return None, ""
        client, statistic_id, where = (
            remote_client(source, remote_access()),
            source.statistic_id,
            source.base_url,
        )
    listed = fetch_listing(client, statistic_id, now)
    with get_database().session() as session:
        source = session.get(RemoteSource, remote_id)
        if source is None:
            return None, ""
        return store_mirror(session, source, listed, now), where


def _record_error(remote_id: int, detail: str) -> None:
    """Keep a failed sync's error in the remote's ``last_error``, in a transaction of its own."""
    from sqlalchemy.exc import SQLAlchemyError

    from pxbridge.models import RemoteSource

    try:
        with get_database().session() as session:
            source = session.get(RemoteSource, remote_id)
            if source is not None:
                source.last_error = detail[:2000]
    except SQLAlchemyError as error:
        click.echo(f"Remote {remote_id}: the error could not be recorded ({error})", err=True)
