"""The metadata blueprint: "Om statistikken" pages (issue 4); the Klass API comes with issue 5."""

from __future__ import annotations

from flask import Flask

from metadata.blueprint import bp


def init_app(app: Flask) -> None:
    from metadata.codelists import klass_api, producer_api
    from metadata.codelists import manage as registry_manage  # noqa: F401  (registers routes)
    from metadata.codelists import pages as registry_pages  # noqa: F401  (registers routes)
    from metadata.sims import api, editing, pages  # noqa: F401  (registers routes)
    from metadata.sims.render import to_html
    from metadata.sims.service import version_in_force
    from release_calendar.views import RELEASE_PAGE_PARTS

    app.jinja_env.filters["markdown"] = to_html
    # The release page shows the documentation in force when the release went out (or now, for a
    # coming one); the calendar asks for it through its declared extension point.
    RELEASE_PAGE_PARTS.append(
        lambda db, statistic_id, at: {
            "documentation_version": version_in_force(db, statistic_id, at)
        }
    )
    app.register_blueprint(bp)
    api.init_app(app)
    klass_api.init_app(app)
    producer_api.init_app(app)
