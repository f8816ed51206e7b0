"""Logging in and out: hashed passwords, secure session cookies, CSRF, rate limits, safe redirects."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.app import create_app
from portal.http.db import get_database
from portal.http.security import anonymise_ip
from tests.conftest import SSB_EDITOR, csrf_token


def test_passwords_are_stored_as_argon2_hashes(app: Flask) -> None:
    with get_database(app).sessions() as s:
        user = s.scalar(select(User).where(User.email == SSB_EDITOR[0]))
        assert user.password_hash.startswith("$argon2id$")
        assert SSB_EDITOR[1] not in user.password_hash


def test_login_sets_a_secure_httponly_cookie_and_logout_clears_it(client: FlaskClient) -> None:
    page = client.get("/logg-inn")
    response = client.post(
        "/logg-inn",
        data={
            "email": SSB_EDITOR[0],
            "password": SSB_EDITOR[1],
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/min-side"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    dashboard = client.get("/min-side")
    assert dashboard.status_code == 200 and "Konsumprisindeksen" in dashboard.text
    assert dashboard.headers["Cache-Control"] == "private, no-store"
    client.post("/logg-ut", data={"csrf_token": csrf_token(dashboard.text)})
    assert client.get("/min-side").status_code == 401


def test_wrong_password_is_401_and_says_so(client: FlaskClient) -> None:
    page = client.get("/en/log-in")
    response = client.post(
        "/en/log-in",
        data={
            "email": SSB_EDITOR[0],
            "password": "wrong password!",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 401 and "Wrong e-mail or password" in response.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    page = client.get("/logg-inn")
    response = client.post(
        f"/logg-inn?next={target}",
        data={
            "email": SSB_EDITOR[0],
            "password": SSB_EDITOR[1],
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"] == "/min-side"


def _limited_app(app_config: dict, storage: str | None) -> Flask:
    config = {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMITS": {"login": "3 per minute", "api": "5 per minute"},
    }
    if storage:
        config["REDIS_URL"] = storage
        config["SECRET_KEY"] = f"test-{uuid.uuid4().hex}"  # fresh counters in the shared Redis
    return create_app(config)


def _exercise_limits(app: Flask) -> None:
    client = app.test_client()
    token = csrf_token(client.get("/logg-inn").text)
    statuses = [
        client.post(
            "/logg-inn",
            data={"email": "x@y.no", "password": "wrong password!", "csrf_token": token},
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    api = [client.get("/api/v1/producers") for _ in range(6)]
    assert [r.status_code for r in api] == [200] * 5 + [429]
    assert api[-1].mimetype == "application/problem+json" and "Retry-After" in api[-1].headers
    # Pages outside the named limits are not throttled.
    assert client.get("/").status_code == 200


def test_login_and_api_rate_limits_in_memory(app_config: dict) -> None:
    _exercise_limits(_limited_app(app_config, None))


@pytest.mark.redis
def test_rate_limits_shared_through_redis(app_config: dict) -> None:
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if not url:
        pytest.skip("PORTAL_TEST_REDIS_URL is not set: no Redis to test against")
    first = _limited_app(app_config, url)
    # A second app (another worker) on the same Redis sees the first one's counts.
    second = create_app({**first.config, "CLOCK": app_config["CLOCK"]})
    client_a, client_b = first.test_client(), second.test_client()
    assert [client_a.get("/api/v1/producers").status_code for _ in range(3)] == [200] * 3
    assert [client_b.get("/api/v1/producers").status_code for _ in range(3)] == [200, 200, 429]


def test_logs_never_hold_a_full_ip_address(client: FlaskClient, caplog) -> None:
    assert anonymise_ip("193.90.147.11") == "193.90.147.0"
    assert anonymise_ip("2001:db8:abcd:12:1:2:3:4") == "2001:db8:abcd::"
    assert anonymise_ip("garbage") == "-"
    with caplog.at_level(logging.INFO, logger="portal.access"):
        client.get("/", environ_base={"REMOTE_ADDR": "193.90.147.11"})
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.access"]
    assert lines and "193.90.147.0" in lines[-1]
    assert "193.90.147.11" not in "".join(lines)
