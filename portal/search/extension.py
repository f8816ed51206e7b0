"""The search index attached to an app: one :class:`~portal.search.index.SearchIndex` per app, in its
instance folder (``search/``), whoosh wanting a local disk."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from portal.search.index import SearchIndex

EXTENSION = "portal.search"


def attach(app: Flask) -> None:
    """Open (or create) the app's index, each query capped at ``SEARCH_TIME_LIMIT`` seconds."""
    app.extensions[EXTENSION] = SearchIndex(
        Path(app.instance_path) / "search", time_limit=float(app.config["SEARCH_TIME_LIMIT"])
    )


def get_index(app: Flask | None = None) -> SearchIndex:
    """The index of ``app``, or of the current app."""
    found: SearchIndex = (app or current_app).extensions[EXTENSION]
    return found
