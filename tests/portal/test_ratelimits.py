"""Named rate limits (portal/http/security.py): one counter per client and name across every endpoint the name
covers ("api" over all JSON APIs, "pxapi" over PxWebApi 2.0 and the classic API), separate counters for
separate clients, the RateLimit header fields of draft-ietf-httpapi-ratelimit-headers-06 on limited
answers, and Retry-After on 429 only."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.app import create_app
from portal.kernel.config import DEFAULTS
from tests.conftest import csrf_token

RATELIMIT_FIELDS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")


@pytest.fixture
def limited(app_config: dict[str, object]) -> Flask:
    return create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMITS": {
                "login": "3 per minute;100 per day",
                "api": "3 per minute",
                "pxapi": "2 per minute",
            },
        }
    )


def _no_legacy_headers(response: TestResponse) -> None:
    assert not [k for k in response.headers.keys() if k.lower().startswith("x-ratelimit")]


def test_api_endpoints_of_different_blueprints_draw_from_one_counter(limited: Flask) -> None:
    client = limited.test_client()
    answers = [
        client.get("/api/v1/producers"),  # the programme API
        client.get("/api/klass/v1/classifications"),  # the Klass API
        client.get("/api/v1/releases"),  # the calendar API
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    for answer, left in zip(answers, ("2", "1", "0"), strict=True):
        assert answer.headers["RateLimit-Limit"] == "3"
        assert answer.headers["RateLimit-Remaining"] == left
        assert answer.headers["RateLimit-Policy"] == "3;w=60"
        assert 0 <= int(answer.headers["RateLimit-Reset"]) <= 60
        assert "Retry-After" not in answer.headers
        _no_legacy_headers(answer)
    over = client.get("/api/v1/search?q=kpi")  # a fourth endpoint, a fourth blueprint
    assert over.status_code == 429
    assert over.mimetype == "application/problem+json"
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert over.headers["RateLimit-Remaining"] == "0"
    _no_legacy_headers(over)
    # The same client's earlier endpoints are spent too: it is one counter, not one per endpoint.
    assert client.get("/api/v1/producers").status_code == 429


def test_each_client_has_its_own_counter(limited: Flask) -> None:
    client = limited.test_client()
    first = {"REMOTE_ADDR": "193.90.147.11"}
    second = {"REMOTE_ADDR": "193.90.148.12"}
    paths = ["/api/v1/producers", "/api/v1/statistics", "/api/klass/v1/classifications"]
    assert [client.get(p, environ_base=first).status_code for p in paths] == [200, 200, 200]
    assert client.get("/api/v1/producers", environ_base=first).status_code == 429
    other = client.get("/api/v1/producers", environ_base=second)
    assert other.status_code == 200
    assert other.headers["RateLimit-Remaining"] == "2"
    assert "Retry-After" not in other.headers


def test_pxwebapi_and_the_classic_api_share_their_own_counter(limited: Flask) -> None:
    client = limited.test_client()
    assert client.get("/api/pxwebapi/v2/config").status_code == 200
    classic = client.get("/api/v0/en")
    assert classic.status_code == 200 and classic.headers["RateLimit-Remaining"] == "0"
    over = client.get("/api/pxwebapi/v2/tables")
    assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
    assert over.headers["RateLimit-Limit"] == "2"
    # "pxapi" and "api" are different names, so different counters.
    assert client.get("/api/v1/producers").headers["RateLimit-Remaining"] == "2"


def test_pages_carry_no_rate_limit_fields(limited: Flask) -> None:
    page = limited.test_client().get("/")
    assert page.status_code == 200
    assert not [k for k in RATELIMIT_FIELDS if k in page.headers]
    assert "Retry-After" not in page.headers


def test_the_login_form_keeps_its_own_limit(limited: Flask) -> None:
    client = limited.test_client()
    token = csrf_token(client.get("/logg-inn").text)
    form = {"email": "x@y.no", "password": "wrong password!", "csrf_token": token}
    answers = [client.post("/logg-inn", data=form) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [401] * 3
    assert [a.headers.get("RateLimit-Policy") for a in answers[:3]] == ["3;w=60, 100;w=86400"] * 3
    assert answers[3].status_code == 429 and "Retry-After" in answers[3].headers
    # The form's counter is not the API's.
    assert client.get("/api/v1/producers").headers["RateLimit-Remaining"] == "2"


def test_a_limit_with_two_windows_lists_both_in_the_policy(app_config: dict[str, object]) -> None:
    app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMITS": {"api": "5 per minute;7 per day"}}
    )
    answer = app.test_client().get("/api/v1/producers")
    assert answer.headers["RateLimit-Policy"] == "5;w=60, 7;w=86400"
    # The fields describe the limit with the smallest window.
    assert (answer.headers["RateLimit-Limit"], answer.headers["RateLimit-Remaining"]) == ("5", "4")


def test_cross_origin_scripts_may_read_the_fields(limited: Flask) -> None:
    exposed = (
        limited.test_client().get("/api/v1/producers").headers["Access-Control-Expose-Headers"]
    )
    assert {h.strip() for h in exposed.split(",")} >= {*RATELIMIT_FIELDS, "Retry-After"}


def test_without_rate_limiting_no_fields_are_sent(client: FlaskClient) -> None:
    answer = client.get("/api/v1/producers")
    assert answer.status_code == 200
    assert not [k for k in (*RATELIMIT_FIELDS, "Retry-After") if k in answer.headers]


def test_a_partial_mapping_keeps_the_other_defaults_and_a_typo_stops_the_start(
    app_config: dict[str, object],
) -> None:
    app = create_app({**app_config, "RATELIMITS": {"api": "5 per minute"}})
    assert app.config["RATELIMITS"] == {**DEFAULTS["RATELIMITS"], "api": "5 per minute"}
    with pytest.raises(ValueError, match="RATELIMITS\\['api'\\]"):
        create_app({**app_config, "RATELIMITS": {"api": "lots per minute"}})
