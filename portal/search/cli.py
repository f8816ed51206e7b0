"""``portal search``: rebuild this machine's index, or keep it following every machine's commits."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from portal.http.db import get_database
from portal.http.instant import now
from portal.search import documents, follow
from portal.search.extension import get_index


@click.group("search")
def search_group() -> None:
    """The search index."""


@search_group.command("reindex")
def reindex() -> None:
    """Rebuild the whole index from the database, with a progress bar."""
    with get_database().sessions() as session:
        docs = list(documents.all_docs(session))
        with click.progressbar(length=len(docs), label="Indexing") as bar:
            count = follow.rebuild(
                session, get_index(), now(), docs=docs, progress=lambda: bar.update(1)
            )
    click.echo(f"{count} documents indexed; `portal search follow` continues from here.")


@search_group.command("follow")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Replay what is waiting, then stop.")
@with_appcontext
def follow_command(interval: float, once: bool) -> None:
    """Keep this machine's index current with every machine's commits (the shared change queue)."""
    while True:
        with get_database().sessions() as session:
            applied = follow.catch_up(session, get_index(), now())
            session.commit()  # the pruning
        if applied:
            click.echo(f"{applied} changes replayed.")
        if once:
            return
        time.sleep(interval)
