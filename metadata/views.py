"""The metadata blueprint: "Om statistikken" pages (issue 4); the Klass API comes with issue 5."""

from __future__ import annotations

from flask import Flask

from portal.web.routing import page_blueprint

bp = page_blueprint("metadata", __name__)


def init_app(app: Flask) -> None:
    from metadata.codelists import klass_api, producer_api
    from metadata.codelists import manage as registry_manage  # noqa: F401  (registers routes)
    from metadata.codelists import pages as registry_pages  # noqa: F401  (registers routes)
    from metadata.sims import api, editing, pages  # noqa: F401  (registers routes)
    from metadata.sims.render import to_html

    app.jinja_env.filters["markdown"] = to_html
    app.register_blueprint(bp)
    api.init_app(app)
    klass_api.init_app(app)
    producer_api.init_app(app)
