"""The OpenAPI document validates, matches the routes that exist, and describes real responses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jsonschema
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from portal.http.openapi import documented_rules
from portal.kernel.clock import FixedClock
from tests.conftest import bearer, make_token
from tests.release_calendar.factories import announce_release


def _spec(client: FlaskClient) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def test_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    spec = _spec(client)
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_document_matches_the_routes(client: FlaskClient, app: Flask) -> None:
    spec = _spec(client)
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    routed = {(path, method) for path, method, _ in documented_rules(app)}
    assert documented == routed
    assert ("/api/v1/statistics/{slug}", "patch") in documented


def _check(spec: dict, path: str, method: str, status: int, body: object) -> None:
    response_spec = spec["paths"][path][method]["responses"][str(status)]
    schema = next(iter(response_spec["content"].values()))["schema"]
    jsonschema.validate(
        body, {**schema, "components": spec["components"]}, cls=jsonschema.Draft202012Validator
    )


def test_real_responses_match_their_schemas(
    client: FlaskClient, app: Flask, clock: FixedClock
) -> None:
    spec = _spec(client)
    for path, url in [
        ("/api/v1/", "/api/v1/"),
        ("/api/v1/producers", "/api/v1/producers"),
        ("/api/v1/producers/{slug}", "/api/v1/producers/ssb"),
        ("/api/v1/subject-areas", "/api/v1/subject-areas"),
        ("/api/v1/subject-areas/{slug}", "/api/v1/subject-areas/befolkning"),
        ("/api/v1/statistics", "/api/v1/statistics?per_page=5"),
        ("/api/v1/statistics/{slug}", "/api/v1/statistics/kpi"),
        ("/healthz", "/healthz"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _check(spec, path, "get", 200, response.json)
    _check(
        spec, "/api/v1/statistics/{slug}", "get", 404, client.get("/api/v1/statistics/nope").json
    )
    token = make_token(app, "ssb")
    created = client.post(
        "/api/v1/statistics",
        headers=bearer(token),
        json={
            "slug": "ny",
            "producer": "ssb",
            "name_nb": "Ny",
            "name_en": "New",
            "frequency": "annual",
            "subject_areas": ["befolkning"],
        },
    )
    _check(spec, "/api/v1/statistics", "post", 201, created.json)
    bad = client.post("/api/v1/statistics", headers=bearer(token), json={"slug": 1})
    _check(spec, "/api/v1/statistics", "post", 400, bad.json)
    # The change list and the lists with updatedAfter (issue 22), after that write.
    for path, url in [
        ("/api/v1/changes", "/api/v1/changes"),
        ("/api/v1/tables", "/api/v1/tables"),
        ("/api/v1/releases", "/api/v1/releases"),
        ("/api/v1/statistics", "/api/v1/statistics?updatedAfter=2000-01-01T00:00:00Z"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        _check(spec, path, "get", 200, response.json)
    announce_release(app, clock.now(), clock.now() + timedelta(days=100), statistic="ny")
    clock.advance(timedelta(minutes=1))  # past the change list's settling time
    changes = client.get("/api/v1/changes").json
    _check(spec, "/api/v1/changes", "get", 200, changes)
    assert any("ny" in str(item) for item in changes["items"]), changes
    refused = client.get("/api/v1/changes?after=not-a-number")
    assert refused.status_code == 400
    _check(spec, "/api/v1/changes", "get", 400, refused.json)


def test_docs_page_lists_every_operation(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    for path, ops in _spec(client)["paths"].items():
        for method in ops:
            assert f"{method.upper()} {path}" in page.text


def test_component_names_stay_as_published(client: FlaskClient) -> None:
    """Generated clients name their types after the components: moving a model to another module must
    not rename its component (tests/portal/data/openapi_component_names.txt lists what is published)."""
    listed = Path(__file__).with_name("data") / "openapi_component_names.txt"
    published = {
        line for line in listed.read_text().splitlines() if line and not line.startswith("#")
    }
    names = set(client.get("/api/v1/openapi.json").json["components"]["schemas"])
    assert not published - names, f"renamed or removed: {sorted(published - names)}"
    assert not names - published, f"new: add {sorted(names - published)} to {listed.name}"
