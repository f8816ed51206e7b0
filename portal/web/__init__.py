"""The web shell: the public pages of the programme and the producers' own pages, in nb and en."""

from __future__ import annotations

from flask import Flask, g, request

from portal.http.routing import bp
from portal.http.security import limit_view


def init_app(app: Flask) -> None:
    from portal.web import (  # noqa: F401  (registers the routes on bp)
        accessibility,
        account,
        admin,
        admin_programme,
        admin_synonyms,
        pages,
    )

    @app.before_request
    def _language() -> None:
        # From the URL alone, so error pages (even routing 404s) come in the language of their address.
        g.lang = "en" if request.path == "/en" or request.path.startswith("/en/") else "nb"

    @app.context_processor
    def _administration() -> dict[str, object]:
        from portal.accounts.models import Role
        from portal.accounts.web import current_user
        from portal.demo.seed import has_demo_accounts
        from portal.http.db import get_session

        user = current_user()
        banner = (
            user is not None
            and user.role == Role.PORTAL_ADMIN.value
            and has_demo_accounts(get_session())
        )
        return {"admin_links": admin.current_admin_links, "demo_accounts_active": banner}

    app.register_blueprint(bp)
    limit_view(app, "web.login", "login", methods=["POST"])
