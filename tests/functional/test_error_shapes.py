"""One error handler at the app level picks the shape by path (issue 17): PxWeb's ``{"error": …}`` on
every /api/v0/ answer (unmatched routes included), problem documents on the native API and PxWebApi
2.0, Klass's shape under /api/klass/ (bare text for CSV), and a page in the address's language
elsewhere."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "path",
    ["/api/v0/nb/table/NOPE", "/api/v0/no/such/route/at/all", "/api/v0/en/table/NOPE/deeper/x"],
)
def test_every_classic_api_error_has_pxwebs_shape(client: FlaskClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.mimetype == "application/json"
    assert set(answer.json) == {"error"}


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/api/v1/no-such-thing", "application/problem+json"),
        ("/api/pxwebapi/v2/no-such-thing", "application/problem+json"),
        ("/api/pxwebapi/v2/tables/NOPE", "application/problem+json"),
        ("/api/klass/v1/no-such-thing", "application/problem+json"),
    ],
)
def test_problem_documents_on_the_other_apis(client: FlaskClient, path: str, mimetype: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.mimetype == mimetype
    assert answer.json["status"] == 404 and "title" in answer.json


def test_klass_csv_errors_are_bare_text(client: FlaskClient) -> None:
    answer = client.get("/api/klass/v1/classifications/999999/codes.csv?from=2024-01-01")
    assert answer.status_code == 404
    assert answer.mimetype == "text/plain"


def test_pages_get_a_page_in_their_language(client: FlaskClient) -> None:
    nb = client.get("/finnes-ikke")
    en = client.get("/en/does-not-exist")
    assert nb.status_code == en.status_code == 404
    assert nb.mimetype == en.mimetype == "text/html"
    assert 'lang="nb"' in nb.text and 'lang="en"' in en.text


def test_a_wrong_method_on_the_classic_api_keeps_its_shape(client: FlaskClient) -> None:
    answer = client.delete("/api/v0/nb/table/NOPE")
    assert answer.status_code == 405
    assert set(answer.json) == {"error"}
