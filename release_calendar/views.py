"""The calendar's blueprint: pages under /kalender and /en/calendar, and /api/v1/releases (issue 3)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("release_calendar", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
