"""The import endpoints' shared edge (portal/http/imports.py): a larger body limit only for endpoints
the app has, and ids in the query refused by name."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.imports import accept_imports
from portal.http.inputs import LARGE_BODIES
from tests.conftest import bearer, make_token


def test_an_import_endpoint_the_app_lacks_stops_the_start() -> None:
    app = Flask(__name__)
    app.add_url_rule("/here", "here", lambda: "")
    with pytest.raises(RuntimeError, match="No endpoint gone.view to take imports up to SOME_KEY"):
        accept_imports(app, "SOME_KEY", ("here", "gone.view"))
    assert "gone.view" not in LARGE_BODIES


def test_the_apps_import_endpoints_take_their_own_limits(app: Flask) -> None:
    assert LARGE_BODIES["table_api.upload_table"] == "TABLE_UPLOAD_MAX_BYTES"
    assert LARGE_BODIES["codelist_api.define_correspondence"] == "CODELIST_IMPORT_MAX_BYTES"


@pytest.mark.parametrize("query", ["", "?against=x"])
def test_a_missing_or_bad_id_is_refused_by_name(
    app: Flask, client: FlaskClient, query: str
) -> None:
    response = client.get(
        f"/api/v1/code-lists/1/versions/1/changes{query}",
        headers=bearer(make_token(app, "fiskeridir")),
    )
    assert response.status_code == 400
    assert response.json["detail"] == "against must be a version id."
    assert response.json["errors"] == [{"pointer": "against", "detail": "a number"}]
