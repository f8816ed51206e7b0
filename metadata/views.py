"""The metadata blueprint: "Om statistikken" pages (issue 4) and /api/klass/v1/ (issue 5)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("metadata", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
