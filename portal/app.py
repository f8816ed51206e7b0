"""The app factory: the only place an app is built."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from portal.accounts import web as accounts_web
from portal.http import cache, db, errors, hosts, i18n, inputs, instant, security
from portal.kernel import config
from portal.kernel.clock import Clock, SystemClock

PACKAGE = Path(__file__).resolve().parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the portal. ``overrides`` wins over every other source of configuration (tests use it).

    ``CLOCK`` may be given in ``overrides`` as any :class:`~portal.kernel.clock.Clock`; the system clock otherwise.
    """
    app = Flask(
        "portal",
        instance_path=str(config.instance_dir(overrides)),
        template_folder=str(PACKAGE / "templates"),
        static_folder=str(PACKAGE / "static"),
    )
    config.load(app, overrides)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(name)s %(message)s")
    clock: Clock = (overrides or {}).get("CLOCK") or SystemClock()
    instant.init_app(app, clock)

    db.init_app(app)
    cache.init_app(app)
    errors.init_app(app)
    # Before security: its ProxyFix must wrap the host check, which then sees the host the client asked for.
    hosts.init_app(app)
    # The edge rule for input runs before every handler (after the host check).
    inputs.init_app(app)
    security.init_app(app)
    accounts_web.init_app(app)
    i18n.init_app(app)

    from metadata import views as metadata_views
    from metadata.codelists import search as codelists_search
    from metadata.sims import search as sims_search
    from portal import cli, search, web
    from portal.api import views as api_views
    from portal.programme import search as programme_search
    from pxbridge import blueprint as pxbridge_blueprint
    from pxbridge import search as tables_search
    from release_calendar import search as calendar_search
    from release_calendar import views as calendar_views

    web.init_app(app)
    api_views.init_app(app)
    calendar_views.init_app(app)
    metadata_views.init_app(app)
    pxbridge_blueprint.init_app(app)
    # What each domain makes findable, in the order a full rebuild indexes it.
    search.init_app(
        app,
        (
            programme_search.FINDABLE,
            calendar_search.FINDABLE,
            tables_search.FINDABLE,
            codelists_search.FINDABLE,
            sims_search.FINDABLE,
        ),
    )
    # What each domain tells subscribers about (issue 22).
    from metadata import alerts as metadata_alerts
    from portal.notify import extension as notify
    from portal.notify import pages as notify_pages
    from pxbridge import alerts as tables_alerts
    from release_calendar import alerts as calendar_alerts

    notify.init_app(
        app, (calendar_alerts.NOTIFIABLE, tables_alerts.NOTIFIABLE, metadata_alerts.NOTIFIABLE)
    )
    notify_pages.init_app(app)
    # The calendar's name filter looks for the synonym list's words too ("KPI", issue 18).
    from portal.search.synonyms import expand
    from release_calendar.listing import register_text_expansion

    register_text_expansion(lambda session, text: expand(text, session))
    # Cache-Control on every answer, bounded by the next release (issue 23).
    from portal.web import cache_headers

    cache_headers.init_app(app)
    cli.init_app(app)
    return app
