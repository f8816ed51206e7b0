"""The app factory: the only place an app is built."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from portal import auth, cache, config, db, errors, hosts, i18n, inputs, instant, security
from portal.clock import Clock, SystemClock

PACKAGE = Path(__file__).resolve().parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the portal. ``overrides`` wins over every other source of configuration (tests use it).

    ``CLOCK`` may be given in ``overrides`` as any :class:`~portal.clock.Clock`; the system clock otherwise.
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
    auth.init_app(app)
    i18n.init_app(app)

    from metadata import views as metadata_views
    from portal import cli, web
    from portal.api import views as api_views
    from portal.search import views as search_views
    from pxbridge import views as pxbridge_views
    from release_calendar import views as calendar_views

    web.init_app(app)
    api_views.init_app(app)
    calendar_views.init_app(app)
    metadata_views.init_app(app)
    pxbridge_views.init_app(app)
    search_views.init_app(app)
    cli.init_app(app)
    return app
