"""Issue 16, bad input: NUL bytes, integers out of range, over-deep JSON, over-long fields and texts,
chunked bodies over the limit, the open redirect after login and LIKE wildcards. Each is a clear 4xx that
names what is wrong, and changes nothing."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.http.db import get_database
from release_calendar.models import Release
from tests.conftest import SSB_EDITOR, bearer, csrf_token, make_token
from tests.pxbridge.conftest import px_table as make_px

HEADER = (
    "statistic,title_nb,title_en,kind,period_start,period_end,period_label_nb,period_label_en,"
    "release_at,precision,confirmed"
)
ROW = "kpi,KPI,CPI,new-figures,2027-01-01,2027-01-31,jan,Jan,2027-04-10 08:00,exact,true"


def _releases(app: Flask) -> int:
    with get_database(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(Release)) or 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/statistics?q=a%00b",
        "/statistikker?q=a%00b",
        "/api/v1/releases?q=%00",
        "/kalender?q=%00",
        "/sok?q=kpi%00",
        "/api/klass/v1/classifications/search?query=%00",
        "/api/pxwebapi/v2/tables?query=%00",
        "/api/v1/statistics/kp%00i",
        "/statistikk/kp%00i",
    ],
)
def test_a_nul_byte_anywhere_is_a_400_naming_it(client: FlaskClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 400, (path, answer.status_code)
    text = answer.text
    assert "NUL" in text


def test_a_nul_byte_in_a_form_field_or_json_body_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    token = make_token(app, "ssb")
    answer = client.patch(
        "/api/v1/statistics/kpi", json={"name_en": "CPI\x00"}, headers=bearer(token)
    )
    assert answer.status_code == 400
    page = client.get("/logg-inn")
    login = client.post(
        "/logg-inn",
        data={"email": "a\x00@b.no", "password": "x" * 12, "csrf_token": csrf_token(page.text)},
    )
    assert login.status_code == 400 and "email" in login.text


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/statistics?page=99999999999999999999999", "page"),
        ("/api/v1/statistics?per_page=9223372036854775808", "per_page"),
        ("/api/v1/releases/4294967296", "release_id"),
        ("/api/v1/releases?page=2147483648", "page"),
        ("/api/v1/admin/users/3000000000", "user_id"),
    ],
)
def test_integers_out_of_the_databases_range_are_a_400_naming_the_parameter(
    client: FlaskClient, path: str, name: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 400, (path, answer.status_code, answer.text[:300])
    assert answer.json["errors"][0]["pointer"] == name


def test_deep_json_is_refused_on_every_import(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/api/v1/releases/schedule", "/api/v1/code-lists", "/api/v1/statistics"):
        answer = client.post(
            path, data=deep, content_type="application/json", headers=bearer(token)
        )
        assert answer.status_code == 400, (path, answer.status_code, answer.text[:300])
        assert answer.json["errors"][0]["pointer"] == "body"
    moderately = b"[" * 70 + b"{}" + b"]" * 70
    answer = client.post(
        "/api/v1/releases/schedule",
        data=b'{"releases": ' + moderately + b"}",
        content_type="application/json",
        headers=bearer(token),
    )
    assert answer.status_code == 400 and "nests deeper" in answer.json["detail"]


def test_an_over_long_csv_field_is_a_400_naming_the_line(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    before = _releases(app)
    body = "\n".join([HEADER, ROW, ROW.replace("KPI,CPI", "KPI," + "x" * 140_000)])
    answer = client.post(
        "/api/v1/releases/schedule", data=body, content_type="text/csv", headers=bearer(token)
    )
    assert answer.status_code == 400 and answer.json["errors"][0]["pointer"] == "row 3"
    assert _releases(app) == before


def test_a_chunked_body_over_the_limit_is_413_and_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    token = make_token(app, "ssb")
    before = _releases(app)
    long_row = ROW.replace("KPI,CPI", "KPI," + "y" * 5_000)
    body = "\n".join([HEADER, *[long_row] * 260]).encode()
    assert len(body) > 1024 * 1024
    answer = client.post(
        "/api/v1/releases/schedule",
        input_stream=io.BytesIO(body),
        content_type="text/csv",
        headers={**bearer(token), "Transfer-Encoding": "chunked"},
        # As gunicorn marks a chunked body: its end is the stream's end, not a Content-Length.
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert answer.status_code == 413, answer.text[:300]
    assert _releases(app) == before
    small = "\n".join([HEADER, ROW]).encode()
    accepted = client.post(
        "/api/v1/releases/schedule",
        input_stream=io.BytesIO(small),
        content_type="text/csv",
        headers={**bearer(token), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert accepted.status_code == 201, accepted.text[:300]


def test_a_900_kb_px_title_is_a_400_naming_it(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    px = make_px(matrix="99123", title="T" * 900_000)
    answer = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data=px,
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert answer.status_code == 400, answer.text[:300]
    assert any(e["pointer"].startswith("TITLE") for e in answer.json["errors"])


@pytest.mark.parametrize(
    "target",
    [
        "%2F%09%2Fevil.example%2Fphish",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%0D%0ASet-Cookie%3A%20x%3D1",
        "%2Fmin-side%0A",
        "%2F%20%2Fevil.example",
    ],
)
def test_login_redirects_only_to_paths_of_this_portal(client: FlaskClient, target: str) -> None:
    page = client.get(f"/logg-inn?next={target}")
    answer = client.post(
        f"/logg-inn?next={target}",
        data={
            "email": SSB_EDITOR[0],
            "password": SSB_EDITOR[1],
            "csrf_token": csrf_token(page.text),
        },
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/min-side"


def test_a_local_next_is_kept(client: FlaskClient) -> None:
    page = client.get("/logg-inn?next=%2Fmin-side%2Fkalender")
    answer = client.post(
        "/logg-inn?next=%2Fmin-side%2Fkalender",
        data={
            "email": SSB_EDITOR[0],
            "password": SSB_EDITOR[1],
            "csrf_token": csrf_token(page.text),
        },
    )
    assert answer.headers["Location"] == "/min-side/kalender"


def test_like_wildcards_are_taken_literally(client: FlaskClient) -> None:
    everything = client.get("/api/v1/statistics?per_page=200").json["total"]
    assert everything > 50
    assert client.get("/api/v1/statistics?q=%25").json["total"] == 0
    assert client.get("/api/v1/statistics?q=_").json["total"] == 0
    assert client.get("/api/v1/statistics?q=kpi").json["total"] >= 1
