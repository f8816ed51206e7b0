"""``portal tables``: bulk import of PX files from a folder (with a progress bar) and a listing."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from portal.access import CLI_ACTOR
from portal.db import get_database
from portal.errors import PortalError
from pxbridge import service
from pxbridge.ingest import store_table
from pxbridge.px import parse_px
from pxbridge.views import get_store


@click.group("tables")
def tables_group() -> None:
    """Statistical tables: import PX files, list what is stored."""


@tables_group.command("import-px")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--statistic", required=True, help="Slug of the statistic the tables belong to.")
@click.option("--release", type=int, default=None, help="Hide the tables until this release.")
def import_px(folder: Path, statistic: str, release: int | None) -> None:
    """Import every *.px file in FOLDER, each in its own transaction: a bad file is reported with its
    line and keyword and skipped, leaving nothing behind; the others are stored."""
    files = sorted(folder.glob("*.px"))
    if not files:
        raise click.ClickException(f"No .px files in {folder}.")
    store, now = get_store(), current_app.extensions["portal.clock"].now()
    failed: list[str] = []
    with click.progressbar(
        files, label="Importing", item_show_func=lambda p: p.name if p else ""
    ) as bar:
        for path in bar:
            try:
                with get_database().session() as session:
                    parsed = parse_px(
                        path.read_bytes(), max_cells=current_app.config["TABLE_MAX_CELLS"]
                    )
                    store_table(
                        session,
                        CLI_ACTOR,
                        store,
                        parsed,
                        statistic_slug=statistic,
                        release_id=release,
                        now=now,
                    )
            except PortalError as error:
                where = "; ".join(f"{e.pointer}: {e.detail}" for e in error.errors[:3])
                failed.append(f"{path.name}: {error.detail} {where}".strip())
    click.echo(f"{len(files) - len(failed)} of {len(files)} tables imported.")
    for line in failed:
        click.echo(f"  refused {line}", err=True)
    if failed:
        raise SystemExit(1)


@tables_group.command("list")
def list_command() -> None:
    """Every public table: id, cells, title."""
    with get_database().session() as session:
        rows, _ = service.list_tables(
            session, current_app.extensions["portal.clock"].now(), page_size=10_000
        )
        for table in rows:
            click.echo(f"{table.id:12} {table.cells:>12,}  {table.title_nb}")


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
    from pxbridge.remote import register

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
                now=current_app.extensions["portal.clock"].now(),
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
    hourly), or as a long-running job with --every 3600. A remote that fails keeps its last mirror and
    its error; the exit status is 1 when the (last) pass had a failure."""
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
    """One sync of every remote (or one); returns how many failed."""
    from sqlalchemy import select

    from pxbridge.models import RemoteSource
    from pxbridge.remote import client_for, sync

    timeout = float(current_app.config["REMOTE_TIMEOUT_SECONDS"])
    with get_database().session() as session:
        ids = [remote_id] if remote_id else list(session.scalars(select(RemoteSource.id)))
    failed = 0
    for number in ids:
        try:
            with get_database().session() as session:
                source = session.get(RemoteSource, number)
                if source is None:
                    raise click.ClickException(f"There is no remote {number}.")
                count = sync(
                    session,
                    source,
                    client_for(source, timeout),
                    current_app.extensions["portal.clock"].now(),
                )
                click.echo(f"Remote {number} ({source.base_url}): {count} tables mirrored.")
        except PortalError as error:
            failed += 1
            click.echo(f"Remote {number}: {error.detail}", err=True)
            with get_database().session() as session:
                source = session.get(RemoteSource, number)
                if source is not None:
                    source.last_error = error.detail[:2000]
    return failed
