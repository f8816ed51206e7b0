"""Every GET route, with demo data and with nonsense, as anonymous visitor and as each kind of user:
never a 5xx. A walker over the URL map, so a new route is crawled the day it is added."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from metadata.sims.demo import seed_documentation
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from release_calendar.demo import seed_releases
from release_calendar.models import Release
from tests.conftest import PORTAL_ADMIN, SSB_ADMIN, login

SAMPLES = {"slug": ["kpi", "nav-helt-ledige", "nope"], "release_id": [], "token_id": ["1", "999"]}
NONSENSE = [
    "?page=-1",
    "?per_page=abc",
    "?from=2027-02-30",
    "?version=x",
    "?view=%00",
    "?q=" + "å" * 300,
    "?year=99999999999999999999",
    "?from=1&to=x",
    "?status=nope&kind=nope&lang=xx",
]


def _paths(app: Flask, release_ids: list[int]) -> list[str]:
    samples = {**SAMPLES, "release_id": [str(i) for i in release_ids] + ["999999"]}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        names = re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule.rule)
        if not names:
            paths.append(rule.rule)
            continue
        for value in samples.get(names[0], ["x"]):
            paths.append(re.sub(r"<[^>]+>", value, rule.rule))
    return paths


@pytest.fixture
def demo(app: Flask, clock: FixedClock) -> list[int]:
    with get_database(app).sessions() as s:
        seed_releases(s, clock.now())
        seed_documentation(s, clock.now())
        s.commit()
        ids = list(s.scalars(select(Release.id).order_by(Release.id)))
    return [ids[0], ids[len(ids) // 2], ids[-1]]


#: The producers' pages, which only a signed-in user sees in full.
PRIVATE = ("/min-side", "/en/my-page")


@pytest.mark.parametrize("who", [None, SSB_ADMIN, PORTAL_ADMIN])
def test_no_get_route_answers_5xx(client: FlaskClient, app: Flask, demo: list[int], who) -> None:
    """Every route with its sample values, plain and with each nonsense query. Signed in, the public
    routes are asked plain only: their queries are read the same way for everyone (the anonymous run
    asks them all), and the run stays inside a minute."""
    if who:
        login(client, who)
    failures = []
    for path in _paths(app, demo):
        nonsense = NONSENSE if who is None or path.startswith(PRIVATE) else []
        for suffix in ["", *nonsense]:
            response = client.get(path + suffix)
            if response.status_code >= 500:
                failures.append((path + suffix, response.status_code))
    assert failures == []


GARBAGE = [
    b"",
    b"null",
    b"[]",
    b"{}",
    b'{"x": 1}',
    b'"text"',
    b'{"version": 1e999}',
    b'{"release_at": "not a date", "version": "1"}',
    b'{"concepts": {"S.3.1": null}}',
    b'{"statistics": {"kpi": []}}',
    b"\xff\xfe",
    b'[{"statistic": "kpi"}]',
]


def test_no_write_route_answers_5xx_to_garbage(
    client: FlaskClient, app: Flask, demo: list[int]
) -> None:
    from tests.conftest import bearer, make_token

    token = make_token(app, "ssb")
    failures = []
    samples = {"slug": "kpi", "release_id": str(demo[-1])}
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
        if not rule.rule.startswith("/api/") or not methods:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: samples.get(m.group(1), "1"), rule.rule)
        for method in methods:
            for body in GARBAGE:
                for kind in ("application/json", "text/csv", "text/plain"):
                    response = client.open(
                        path, method=method, data=body, content_type=kind, headers=bearer(token)
                    )
                    if response.status_code >= 500:
                        failures.append((method, path, body, kind, response.status_code))
    assert failures == []
