"""Producer scoping of every write, on pages and in the API: 401 without credentials, 403 for another
producer, success for the owner. A walker makes sure no write route escapes this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import ApiToken
from portal.db import get_database
from portal.programme.models import Statistic
from tests.conftest import (
    FHI_ADMIN,
    NAV_EDITOR,
    SSB_ADMIN,
    SSB_EDITOR,
    bearer,
    csrf_token,
    login,
    make_token,
)

# Writes that are not about a producer's data, and why they need no producer check.
UNSCOPED_WRITES = {
    ("web.login", "POST"): "anyone may try to log in (rate-limited)",
    ("web.logout", "POST"): "ends only the caller's own session",
}

NEW_STATISTIC = {
    "slug": "testlonn",
    "producer": "ssb",
    "name_nb": "Testlønn",
    "name_en": "Test earnings",
    "frequency": "annual",
    "subject_areas": ["arbeid-og-lonn"],
}


@dataclass(frozen=True)
class ApiWrite:
    method: str
    path: str
    body: dict[str, object]


API_WRITES = {
    ("api_v1.create_statistic", "POST"): ApiWrite("POST", "/api/v1/statistics", NEW_STATISTIC),
    ("api_v1.update_statistic", "PATCH"): ApiWrite(
        "PATCH", "/api/v1/statistics/kpi", {"name_en": "Consumer price index (CPI)"}
    ),
}

PAGE_WRITES = {
    ("web.edit_statistic", "POST"),
    ("web.create_token", "POST"),
    ("web.revoke_token", "POST"),
}


def test_every_write_route_is_covered(app: Flask) -> None:
    writes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
    }
    assert writes == set(API_WRITES) | PAGE_WRITES | set(UNSCOPED_WRITES)


def _count(app: Flask, model: type) -> int:
    with get_database(app).sessions() as s:
        return len(s.scalars(select(model)).all())


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_without_token_is_401(
    client: FlaskClient, app: Flask, key: tuple[str, str]
) -> None:
    write = API_WRITES[key]
    before = _count(app, Statistic)
    response = client.open(write.path, method=write.method, json=write.body)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _count(app, Statistic) == before


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_with_session_cookie_but_no_token_is_401(
    client: FlaskClient, key: tuple[str, str]
) -> None:
    login(client, SSB_EDITOR)
    write = API_WRITES[key]
    assert client.open(write.path, method=write.method, json=write.body).status_code == 401


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_with_another_producers_token_is_403(
    client: FlaskClient, app: Flask, key: tuple[str, str]
) -> None:
    write = API_WRITES[key]
    token = make_token(app, "nav")
    response = client.open(write.path, method=write.method, json=write.body, headers=bearer(token))
    assert response.status_code == 403
    assert response.json["title"] == "Forbidden"
    with get_database(app).sessions() as s:
        kpi = s.scalar(select(Statistic).where(Statistic.slug == "kpi"))
        assert kpi.name_en == "Consumer price index"
        assert s.scalar(select(Statistic).where(Statistic.slug == "testlonn")) is None


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_with_own_token_succeeds(
    client: FlaskClient, app: Flask, key: tuple[str, str]
) -> None:
    write = API_WRITES[key]
    token = make_token(app, "ssb")
    response = client.open(write.path, method=write.method, json=write.body, headers=bearer(token))
    assert response.status_code in {200, 201}, response.text


def test_revoked_token_is_401(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    with get_database(app).sessions() as s:
        s.get(ApiToken, token.id).revoked_at = s.get(ApiToken, token.id).created_at
        s.commit()
    response = client.patch("/api/v1/statistics/kpi", json={"name_en": "X"}, headers=bearer(token))
    assert response.status_code == 401


def _edit_form(client: FlaskClient, slug: str) -> dict[str, object]:
    page = client.get(f"/min-side/statistikk/{slug}")
    assert page.status_code == 200
    return {
        "csrf_token": csrf_token(page.text),
        "version": "1",
        "name_nb": "Konsumprisindeksen",
        "name_en": "Consumer price index",
        "description_nb": "Endret.",
        "description_en": "Changed.",
        "frequency": "monthly",
        "subject_areas": ["priser-og-prisindekser"],
        "is_official": "y",
    }


def test_page_edit_without_session_is_401(client: FlaskClient) -> None:
    token = csrf_token(client.get("/logg-inn").text)
    response = client.post("/min-side/statistikk/kpi", data={"csrf_token": token, "name_nb": "X"})
    assert response.status_code == 401
    assert "logg-inn" in response.text


def test_page_edit_by_another_producers_user_is_403(client: FlaskClient, app: Flask) -> None:
    login(client, NAV_EDITOR)
    assert client.get("/min-side/statistikk/kpi").status_code == 403
    token = csrf_token(client.get("/min-side").text)
    response = client.post(
        "/min-side/statistikk/kpi",
        data={
            "csrf_token": token,
            "version": "1",
            "name_nb": "Kapret",
            "name_en": "Hijacked",
            "frequency": "monthly",
            "subject_areas": ["befolkning"],
        },
    )
    assert response.status_code == 403
    with get_database(app).sessions() as s:
        assert (
            s.scalar(select(Statistic.name_nb).where(Statistic.slug == "kpi"))
            == "Konsumprisindeksen"
        )


def test_page_edit_by_owner_succeeds(client: FlaskClient, app: Flask) -> None:
    login(client, SSB_EDITOR)
    response = client.post("/min-side/statistikk/kpi", data=_edit_form(client, "kpi"))
    assert response.status_code == 303
    with get_database(app).sessions() as s:
        assert (
            s.scalar(select(Statistic.description_en).where(Statistic.slug == "kpi")) == "Changed."
        )


def _token_post(client: FlaskClient) -> int:
    token = csrf_token(client.get("/min-side").text)
    return client.post(
        "/min-side/nokler", data={"csrf_token": token, "name": "release system"}
    ).status_code


def test_token_creation_needs_a_session_and_the_admin_role(client: FlaskClient) -> None:
    anonymous_csrf = csrf_token(client.get("/logg-inn").text)
    assert (
        client.post(
            "/min-side/nokler", data={"csrf_token": anonymous_csrf, "name": "x"}
        ).status_code
        == 401
    )
    login(client, SSB_EDITOR)
    assert _token_post(client) == 403
    login(client, SSB_ADMIN)
    assert _token_post(client) == 201


def test_revoking_another_producers_token_is_403(client: FlaskClient, app: Flask) -> None:
    ssb_token = make_token(app, "ssb")
    anonymous_csrf = csrf_token(client.get("/logg-inn").text)
    path = f"/min-side/nokler/{ssb_token.id}/trekk-tilbake"
    assert client.post(path, data={"csrf_token": anonymous_csrf}).status_code == 401
    login(client, FHI_ADMIN)
    assert (
        client.post(path, data={"csrf_token": csrf_token(client.get("/min-side").text)}).status_code
        == 403
    )
    login(client, SSB_ADMIN)
    assert (
        client.post(path, data={"csrf_token": csrf_token(client.get("/min-side").text)}).status_code
        == 303
    )
    with get_database(app).sessions() as s:
        assert s.get(ApiToken, ssb_token.id).revoked_at is not None


def test_page_forms_refuse_a_missing_csrf_token(client: FlaskClient, app: Flask) -> None:
    login(client, SSB_EDITOR)
    form = _edit_form(client, "kpi")
    del form["csrf_token"]
    response = client.post("/min-side/statistikk/kpi", data=form)
    assert response.status_code == 400
    assert "CSRF" in response.text
    with get_database(app).sessions() as s:
        assert (
            s.scalar(select(Statistic.description_en).where(Statistic.slug == "kpi")) != "Changed."
        )


Check = Callable[[FlaskClient], None]
