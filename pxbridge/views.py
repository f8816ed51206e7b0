"""The tables blueprint: table pages, /api/pxwebapi/v2/ and /api/v0/ (issue 6)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("pxbridge", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
