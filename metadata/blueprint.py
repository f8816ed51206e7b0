"""The metadata pages' one blueprint (``metadata.*`` endpoints), shared by "Om statistikken" and the
code-list registry; :mod:`metadata.views` registers it with the app."""

from __future__ import annotations

from portal.http.routing import page_blueprint

bp = page_blueprint("metadata", __name__, template_folder="templates")
