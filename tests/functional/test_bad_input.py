"""Bad input gets a clear 4xx problem response and changes nothing: no half-written records."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.programme.models import Statistic
from tests.conftest import SSB_EDITOR, bearer, csrf_token, login, make_token

VALID = {
    "slug": "testlonn",
    "producer": "ssb",
    "name_nb": "Testlønn",
    "name_en": "Test earnings",
    "frequency": "annual",
    "subject_areas": ["arbeid-og-lonn"],
}


def _state(app: Flask) -> tuple[int, int, str]:
    with get_database(app).sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Statistic)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
            s.scalar(select(Statistic.name_en).where(Statistic.slug == "kpi")),
        )


CREATE_CASES = {
    "malformed json": (b'{"slug": "x", ', 400, "not valid JSON"),
    "json array": (b"[1, 2]", 400, "does not match"),
    "wrong type": (json.dumps({**VALID, "is_official": "yes"}).encode(), 400, "/is_official"),
    "number as string": (json.dumps({**VALID, "name_nb": 17}).encode(), 400, "/name_nb"),
    "unknown field": (json.dumps({**VALID, "colour": "red"}).encode(), 400, "/colour"),
    "missing field": (
        json.dumps({k: v for k, v in VALID.items() if k != "name_en"}).encode(),
        400,
        "/name_en",
    ),
    "bad slug": (json.dumps({**VALID, "slug": "Not A Slug"}).encode(), 400, "/slug"),
    "unknown frequency": (json.dumps({**VALID, "frequency": "hourly"}).encode(), 400, "/frequency"),
    "unknown subject area": (
        json.dumps({**VALID, "subject_areas": ["astrologi"]}).encode(),
        400,
        "astrologi",
    ),
    "unknown producer": (json.dumps({**VALID, "producer": "nobody"}).encode(), 400, "nobody"),
    "empty subject areas": (
        json.dumps({**VALID, "subject_areas": []}).encode(),
        400,
        "/subject_areas",
    ),
    "taken slug": (json.dumps({**VALID, "slug": "kpi"}).encode(), 409, "kpi"),
    "oversized body": (
        json.dumps({**VALID, "description_nb": "x" * 2_000_000}).encode(),
        413,
        "larger",
    ),
    "empty body": (b"", 400, "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(CREATE_CASES))
def test_bad_create_is_refused_and_changes_nothing(
    client: FlaskClient, app: Flask, case: str
) -> None:
    body, status, needle = CREATE_CASES[case]
    token = make_token(app, "ssb")
    before = _state(app)
    response = client.post(
        "/api/v1/statistics", data=body, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == status and problem["title"] and problem["type"]
    assert needle in json.dumps(problem)
    assert _state(app) == before


def test_wrong_content_type_is_415(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    response = client.post(
        "/api/v1/statistics",
        data="slug=x",
        headers=bearer(token),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name_en": None}, 400),
        ({"frequency": 12}, 400),
        ({"subject_areas": "befolkning"}, 400),
        ({"producer_url": "javascript:alert(1)"}, 400),
        ({"contact_email": "not-an-address"}, 400),
    ],
)
def test_bad_update_is_refused_and_changes_nothing(
    client: FlaskClient, app: Flask, body: dict[str, object], status: int
) -> None:
    token = make_token(app, "ssb")
    before = _state(app)
    response = client.patch("/api/v1/statistics/kpi", json=body, headers=bearer(token))
    assert response.status_code == status
    assert response.json["errors"]
    assert _state(app) == before


def test_unknown_ids_are_404(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    for path in ("/api/v1/statistics/nope", "/api/v1/producers/nope", "/api/v1/subject-areas/nope"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert (
        client.patch(
            "/api/v1/statistics/nope", json={"name_en": "x"}, headers=bearer(token)
        ).status_code
        == 404
    )
    assert client.get("/statistikk/nope").status_code == 404
    assert client.get("/en/producers/nope").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=x", "per_page=100000", "frequency=hourly", "official=maybe", "q=" + "x" * 201],
)
def test_bad_list_parameters_are_400_on_api_and_page(client: FlaskClient, query: str) -> None:
    api = client.get(f"/api/v1/statistics?{query}")
    assert api.status_code == 400 and api.mimetype == "application/problem+json"
    page = client.get(f"/statistikk?{query}")
    assert page.status_code == 400 and page.mimetype == "text/html"


def test_stale_if_match_is_412_and_changes_nothing(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    first = client.patch(
        "/api/v1/statistics/kpi",
        json={"name_en": "CPI"},
        headers={**bearer(token), "If-Match": client.get("/api/v1/statistics/kpi").headers["ETag"]},
    )
    assert first.status_code == 200
    before = _state(app)
    second = client.patch(
        "/api/v1/statistics/kpi",
        json={"name_en": "Lost update"},
        headers={**bearer(token), "If-Match": '"1"'},
    )
    assert second.status_code == 412
    assert _state(app) == before
    assert (
        client.patch(
            "/api/v1/statistics/kpi",
            json={"name_en": "x"},
            headers={**bearer(token), "If-Match": "garbage"},
        ).status_code
        == 400
    )


def test_concurrent_form_edits_second_writer_gets_409_and_keeps_text(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    page = client.get("/min-side/statistikk/kpi")
    form = {
        "csrf_token": csrf_token(page.text),
        "version": "1",
        "name_nb": "Konsumprisindeksen",
        "name_en": "Consumer price index",
        "frequency": "monthly",
        "subject_areas": ["priser-og-prisindekser"],
        "description_en": "First writer",
    }
    assert client.post("/min-side/statistikk/kpi", data=form).status_code == 303
    second = client.post(
        "/min-side/statistikk/kpi", data={**form, "description_en": "Second writer"}
    )
    assert second.status_code == 409
    assert "Second writer" in second.text
    with get_database(app).sessions() as s:
        assert (
            s.scalar(select(Statistic.description_en).where(Statistic.slug == "kpi"))
            == "First writer"
        )


def test_invalid_form_is_400_with_messages_and_changes_nothing(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    page = client.get("/min-side/statistikk/kpi")
    before = _state(app)
    response = client.post(
        "/min-side/statistikk/kpi",
        data={
            "csrf_token": csrf_token(page.text),
            "version": "1",
            "name_nb": "",
            "name_en": "CPI",
            "frequency": "hourly",
            "subject_areas": ["astrologi"],
            "contact_email": "nope",
        },
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert _state(app) == before


def test_one_save_is_one_version(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    response = client.patch(
        "/api/v1/statistics/kpi",
        headers=bearer(token),
        json={"name_en": "CPI", "subject_areas": ["priser-og-prisindekser"]},
    )
    assert response.json["version"] == 2 and response.headers["ETag"] == '"2"'


def test_form_messages_come_in_the_pages_language(client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    for path, needle in (
        ("/min-side/statistikk/kpi", "Dette feltet er påkrevd"),
        ("/en/my-page/statistics/kpi", "This field is required"),
    ):
        page = client.get(path)
        response = client.post(
            path,
            data={
                "csrf_token": csrf_token(page.text),
                "version": "1",
                "name_nb": "",
                "name_en": "x",
                "frequency": "monthly",
                "subject_areas": ["befolkning"],
            },
        )
        assert response.status_code == 400 and needle in response.text
