"""Issue 23: every public answer tells a cache in front of the portal how long it may keep it, never past
the next release minute; answers of a person's own are never shared; validators let a cache ask again
cheaply (portal.web.cache_headers)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, render_template_string, session
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.kernel.freshness import STALE_WHILE_REVALIDATE
from release_calendar.freshness import next_change_at
from tests.conftest import SSB_EDITOR, bearer, login, make_token
from tests.release_calendar.factories import announce_release, oslo

#: The release the tests count down to, and what only its published page shows.
RELEASE_AT = oslo(2027, 3, 10, 8, 0)
SECRET_NOTE = "KPI steg 0,3 prosent"


def _max_age(cache_control: str) -> int | None:
    found = re.search(r"max-age=(\d+)", cache_control)
    return int(found.group(1)) if found else None


@pytest.fixture
def release_id(app: Flask, clock: FixedClock) -> int:
    found = announce_release(app, clock.now(), RELEASE_AT, late_justification="Test.")
    with get_database(app).sessions() as s:
        # Nothing else of the demo programme comes out in the half hour before: the bound is ours.
        assert next_change_at(s, RELEASE_AT - timedelta(minutes=30)) == RELEASE_AT
    return found


def channels(release_id: int) -> list[str]:
    """A public answer of each kind: pages in nb and en, a JSON twin, the API, PxWebApi 2.0, the
    classic API, feeds, a 404."""
    return [
        f"/kalender/{release_id}",
        f"/en/calendar/{release_id}",
        "/statistikk/kpi",
        "/tilgjengelighet.json",
        f"/api/v1/releases/{release_id}",
        "/api/v1/releases?from=2027-03-01",
        "/api/pxwebapi/v2/tables",
        "/api/v0/no/table",
        "/feeds/releases.atom?from=2027-03-01",
        "/feeds/releases.ics?from=2027-03-01",
        "/kalender/99999999",
    ]


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (
            timedelta(minutes=30),
            f"public, max-age=60, stale-while-revalidate={STALE_WHILE_REVALIDATE}",
        ),
        (
            timedelta(seconds=20),
            f"public, max-age=20, stale-while-revalidate={STALE_WHILE_REVALIDATE}",
        ),
        (
            timedelta(seconds=1),
            f"public, max-age=1, stale-while-revalidate={STALE_WHILE_REVALIDATE}",
        ),
        (timedelta(milliseconds=999), "public, no-cache"),
        (timedelta(milliseconds=300), "public, no-cache"),
    ],
)
def test_public_answers_are_kept_no_longer_than_to_the_release_minute(
    client: FlaskClient,
    clock: FixedClock,
    release_id: int,
    before: timedelta,
    expected: str,
) -> None:
    clock.set(RELEASE_AT - before)
    for path in channels(release_id):
        answer = client.get(path)
        assert answer.status_code in {200, 404}, (path, answer.status_code)
        assert answer.headers["Cache-Control"] == expected, path
        assert "Accept-Encoding" in answer.headers["Vary"], path
        assert SECRET_NOTE not in answer.get_data(as_text=True), path


def test_after_the_minute_the_bound_is_the_next_change(
    app: Flask, client: FlaskClient, clock: FixedClock, release_id: int
) -> None:
    clock.set(RELEASE_AT + timedelta(seconds=1))
    with get_database(app).sessions() as s:
        coming = next_change_at(s, clock.now())
    seconds = min(60, int((coming - clock.now()).total_seconds()))
    for path in channels(release_id):
        answer = client.get(path)
        assert _max_age(answer.headers["Cache-Control"]) == seconds, path
    assert SECRET_NOTE in client.get(f"/kalender/{release_id}").text


def test_a_cache_revalidates_a_page_with_a_304_until_the_release_changes_it(
    client: FlaskClient, clock: FixedClock, release_id: int
) -> None:
    clock.set(RELEASE_AT - timedelta(seconds=20))
    page = client.get(f"/kalender/{release_id}")
    tag = page.headers["ETag"]
    assert tag.startswith('W/"')
    same = client.get(f"/kalender/{release_id}", headers={"If-None-Match": tag})
    assert same.status_code == 304 and same.data == b""
    assert same.headers["ETag"] == tag
    # the 304 refreshes the cache's copy for no longer than the 200 did
    clock.advance(timedelta(seconds=10))
    again = client.get(f"/kalender/{release_id}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert _max_age(again.headers["Cache-Control"]) == 10
    # at the minute the page changes, so the cache's validator no longer matches
    clock.set(RELEASE_AT)
    out = client.get(f"/kalender/{release_id}", headers={"If-None-Match": tag})
    assert out.status_code == 200 and SECRET_NOTE in out.text
    assert out.headers["ETag"] != tag


def test_a_head_request_gets_the_headers_of_the_get(client: FlaskClient, release_id: int) -> None:
    got = client.get(f"/kalender/{release_id}")
    head = client.head(f"/kalender/{release_id}")
    assert head.status_code == 200 and head.data == b""
    for name in ("Cache-Control", "ETag", "Vary"):
        assert head.headers[name] == got.headers[name], name


def test_validators_of_the_views_themselves_stay(client: FlaskClient) -> None:
    statistic = client.get("/api/v1/statistics/kpi")
    assert re.fullmatch(r'"\d+"', statistic.headers["ETag"])
    feed = client.get("/feeds/releases.atom")
    assert not feed.headers["ETag"].startswith("W/") and "Last-Modified" in feed.headers
    assert client.get("/feeds/releases.atom", headers=dict(feed.headers)).status_code == 200
    cached = client.get("/feeds/releases.atom", headers={"If-None-Match": feed.headers["ETag"]})
    assert cached.status_code == 304 and cached.headers["Cache-Control"].startswith("public")


def test_vary_names_what_the_answer_depends_on(client: FlaskClient) -> None:
    for _ in range(2):  # rendered, then from the page cache
        page = client.get("/statistikk/kpi")
        assert {"Accept-Encoding", "Cookie"} <= set(re.split(r",\s*", page.headers["Vary"]))
    # the API never reads the session, so a cookie sent with it splits no cache entry
    api = client.get("/api/v1/releases")
    assert "Cookie" not in api.headers["Vary"]
    # a problem's detail comes in the language Accept-Language asks for
    missing = client.get("/api/v1/releases/99999999", headers={"Accept-Language": "nb"})
    assert missing.status_code == 404 and "Accept-Language" in missing.headers["Vary"]
    assert "Accept" in re.split(r",\s*", client.get("/catalog").headers["Vary"])


def test_signed_in_answers_are_private(client: FlaskClient, release_id: int) -> None:
    login(client, SSB_EDITOR)
    for path in (f"/kalender/{release_id}", "/statistikk/kpi", "/", "/tilgjengelighet.json"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "private, no-store", path
        assert "ETag" not in answer.headers, path


def test_an_api_answer_to_a_token_is_private(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    for path in ("/api/v1/releases", "/api/v1/statistics/kpi", "/api/pxwebapi/v2/tables"):
        answer = client.get(path, headers=bearer(token))
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "private, no-store", path
    # an Authorization header a page ignores still keeps its answer out of shared caches
    page = client.get("/statistikk/kpi", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert page.headers["Cache-Control"] == "private, no-store"


def test_a_form_with_a_csrf_token_or_a_session_write_is_never_shared(app: Flask) -> None:
    @app.get("/proeve/skjema")
    def form() -> str:
        return render_template_string(
            '<form method="post"><input name="csrf_token" value="{{ csrf_token() }}"></form>'
        )

    @app.get("/proeve/husk")
    def remember() -> str:
        session["seen"] = True
        return "husket"

    client = app.test_client()
    first = client.get("/proeve/skjema")  # writes the token's secret into a new session cookie
    assert "Set-Cookie" in first.headers
    second = client.get("/proeve/skjema")  # the secret is in the cookie: the token is still theirs
    assert "Set-Cookie" not in second.headers
    written = app.test_client().get("/proeve/husk")
    for answer in (first, second, written):
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in answer.headers


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/logg-inn", "private, no-store"),
        ("/en/log-in", "private, no-store"),
        ("/min-side", "private, no-store"),
        ("/en/my-page", "private, no-store"),
        ("/varsler/ny?topic=statistic:kpi", "private, no-store"),
        ("/varsler/mine/not-a-token", "private, no-store"),
        ("/tabeller/03013/varsle", "private, no-store"),
        ("/passord/not-a-secret", "private, no-store"),
        ("/api/v1/admin/users", "private, no-store"),
        ("/healthz", "no-store"),
        ("/readyz", "no-store"),
    ],
)
def test_private_paths_are_never_shared(client: FlaskClient, path: str, expected: str) -> None:
    answer = client.get(path)
    assert answer.headers["Cache-Control"] == expected, answer.status_code


def test_a_views_own_cache_control_stays(client: FlaskClient) -> None:
    with client.get("/static/portal.css") as static:
        assert static.headers["Cache-Control"] == "no-cache"
    assert client.get("/readyz").headers["Cache-Control"] == "no-store"


def test_unsafe_methods_are_left_alone(client: FlaskClient) -> None:
    answer = client.post("/api/pxwebapi/v2/tables/99999999/data", json={})
    assert answer.status_code == 404
    assert "public" not in answer.headers.get("Cache-Control", "")


def test_table_answers_under_embargo_are_bounded_by_their_release(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    from tests.pxbridge.conftest import upload_embargoed

    at: datetime = upload_embargoed(app, client, clock.now(), "98777")
    paths = (
        "/api/pxwebapi/v2/tables/98777/metadata",
        "/api/v0/no/table/98777",
        "/tabeller/98777",
        "/tabeller/98777/filer/siste.csv",
    )
    clock.set(at - timedelta(seconds=20))
    for path in paths:
        hidden = client.get(path)
        assert hidden.status_code == 404, path
        assert _max_age(hidden.headers["Cache-Control"]) == 20, path
    clock.set(at + timedelta(seconds=1))
    for path in paths[:3]:
        shown = client.get(path)
        assert shown.status_code == 200, path
        assert shown.headers["Cache-Control"].startswith("public, max-age="), path
    # a whole-table file keeps its own rule: the revision's bytes never change, but whether it is
    # the current one does, so a cache asks every time (its SHA-256 makes that a 304)
    latest = client.get(paths[3])
    assert latest.status_code == 302 and latest.headers["Cache-Control"] == "no-cache"
    with client.get(latest.headers["Location"]) as file:
        assert file.status_code == 200 and file.headers["Cache-Control"] == "public, no-cache"


def test_the_varnish_configuration_in_the_docs_is_the_tested_one() -> None:
    """docs/operations.md shows docs/varnish/portal.vcl, which tests/functional/test_cache_proxy.py
    runs in front of a portal."""
    root = Path(__file__).resolve().parents[2]
    vcl = (root / "docs" / "varnish" / "portal.vcl").read_text()
    assert f"```vcl\n{vcl}```" in (root / "docs" / "operations.md").read_text()


def test_a_release_announced_in_between_bounds_the_next_answer_at_once(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    """The rule reuses its lookup of the next change for a second; a commit drops it."""
    clock.set(RELEASE_AT - timedelta(hours=2))
    assert _max_age(client.get("/statistikk/kpi").headers["Cache-Control"]) == 60
    announce_release(app, clock.now(), clock.now() + timedelta(seconds=10), late_justification="T.")
    assert _max_age(client.get("/statistikk/kpi").headers["Cache-Control"]) == 10
