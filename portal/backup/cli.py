"""``portal backup`` and ``portal restore``: the commands around :mod:`portal.backup.archive` and
:mod:`portal.backup.restore`."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import click
from flask import current_app

from portal.backup.archive import BackupError, DamagedArchive, create_backup, default_name
from portal.backup.restore import RestoreFailed, RestoreRefused, restore_backup
from portal.http import instant
from portal.http.db import get_database


def portal_version() -> str:
    try:
        return metadata.version("statistikkportalen")
    except metadata.PackageNotFoundError:
        return "unknown"


@click.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The archive to write (default: portal-backup-<UTC time>.tar.gz in this folder).",
)
def backup_command(output: Path | None) -> None:
    """Write one consistent archive of the database and the instance folder (table cells, secret key,
    config.py). The search index is left out: restore rebuilds it."""
    now = instant.now()
    target = output if output is not None else Path.cwd() / default_name(now)
    if target.exists():
        raise click.ClickException(f"{target} exists: give another --output.")
    try:
        manifest = create_backup(
            get_database().engine,
            Path(current_app.instance_path),
            target,
            now=now,
            version=portal_version(),
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(t.rows for t in manifest.tables)
    cells = sum(1 for f in manifest.files if f.path.endswith(".npy") and ".nan." not in f.path)
    click.echo(
        f"Backup written to {target} ({target.stat().st_size:,} bytes): {rows:,} rows in "
        f"{len(manifest.tables)} tables ({manifest.database_kind}, revision {manifest.revision}), "
        f"cells of {cells} tables. It holds the secret key: keep it as safe as the database."
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace a database that is not empty and the instance folder's table cells.",
)
def restore_command(archive: Path, force: bool) -> None:
    """Bring a `portal backup` archive back into an empty database and instance folder, then rebuild
    the search index. The archive is checked first; a damaged one changes nothing."""
    from portal.search import follow
    from portal.search.extension import get_index

    try:
        result = restore_backup(
            get_database().engine, Path(current_app.instance_path), archive, force=force
        )
    except (DamagedArchive, RestoreRefused, RestoreFailed) as error:
        raise click.ClickException(str(error)) from None
    made = result.manifest
    click.echo(
        f"Restored {archive} (made {made.created_at:%Y-%m-%d %H:%M} UTC by version "
        f"{made.portal_version} on {made.database_kind}): {result.rows:,} rows, cells of "
        f"{result.cell_files} tables; the database is at revision {made.revision}."
    )
    if result.config_aside is not None:
        click.echo(
            f"The instance folder's own config.py was kept; the archive's is {result.config_aside}."
        )
    if not result.at_head:
        click.echo(
            "That revision is older than this version's: run `portal db upgrade`, then "
            "`portal search reindex`."
        )
        return
    index = get_index()
    # Rebuilt from the restored rows, and its position set to the restored queue's (a position left
    # from the folder's previous life could skip the restored queue's new ids).
    with get_database().sessions() as session:
        count = follow.rebuild(session, index, instant.now())
    click.echo(f"Search index rebuilt: {count} documents.")
