"""Search and findability (pillar 5): one index over everything the portal holds (issue 7), the sitemaps
and the DCAT catalogue. The domains say what they make findable (``Findable``, in each domain's
``search.py``); the app factory hands them to :func:`init_app`, and nothing here imports a domain.

``index`` (with ``segments`` and ``grouping``: a release under its statistic, one result per page),
``scoring``, ``synonyms`` (the synonym list, issue 18), ``documents`` and ``registry`` load without Flask; ``extension`` attaches the
index to an app, ``changes`` keeps it current at every commit, ``views`` serves the search page and
API, ``cli`` the ``portal search`` commands, ``sitemap`` and ``catalog`` what crawlers and data
catalogues read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from portal.search import messages as _messages  # noqa: F401  (registers the strings)

if TYPE_CHECKING:
    from flask import Flask

    from portal.kernel.findable import Findable


def init_app(app: Flask, findables: Iterable[Findable]) -> None:
    """Register the domains' ``findables`` (a full rebuild indexes them in this order) and attach the
    index, the change capture, the search pages and API, the sitemaps and the catalogue. The
    ``portal search`` group is the CLI's to add (``portal.search.cli.search_group``)."""
    # Imported here, not at the top: the index, its scoring and the documents load without Flask.
    from portal.http.edge import register_api
    from portal.search import catalog, changes, extension, registry, sitemap, views

    registry.register(*findables)
    extension.attach(app)
    changes.listen()
    register_api(app, views.api)
    app.register_blueprint(views.pages)
    sitemap.init_app(app)
    catalog.init_app(app)
