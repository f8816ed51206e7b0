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
