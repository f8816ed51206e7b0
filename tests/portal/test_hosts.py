"""The portal's public address (portal/http/hosts.py): a Host header outside ALLOWED_HOSTS gets 400 wherever it
asks (a page, the API, a path with no route), and with BASE_URL set every absolute URL and identifier the
portal sends (feeds, iCal, the DCAT catalogue, sitemaps, JSON-LD, the Klass and PxWebApi links) starts with
BASE_URL whatever the Host header said."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import feedparser
import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.app import create_app
from portal.http.db import get_database
from portal.http.hosts import allowed_hosts, parse_base_url
from portal.kernel.clock import FixedClock
from portal.search import dcat
from portal.search.sitemap import KINDS
from tests.metadata.klass_fixtures import COUNTIES, load_test_lists
from tests.pxbridge.conftest import test_table  # noqa: F401  (a fixture)
from tests.release_calendar.factories import releases_in_each_state

BASE = "https://statistikk.example.no/portal"
# Hosts the portal could have taken a URL from in these tests: the test client's, an allowed internal one,
# and BASE_URL's.
REQUEST_HOSTS = ("localhost", "127.0.0.1", "internal.example")
URL = re.compile(r"https?://[^\s\"'<>\\]+")


def _our_urls(text: str) -> list[str]:
    """The absolute URLs in ``text`` on the portal's own hosts (vocabularies and producers' sites left out)."""
    found = []
    for url in URL.findall(text):
        host = urlsplit(url).hostname
        if host in REQUEST_HOSTS or host == "statistikk.example.no":
            found.append(url)
    return found


def _assert_all_on_base(text: str, what: str) -> list[str]:
    urls = _our_urls(text)
    assert urls, f"{what} holds no absolute URL of the portal"
    wrong = [u for u in urls if not u.startswith(BASE + "/") and u != BASE]
    assert not wrong, f"{what}: {wrong[:5]}"
    for host in REQUEST_HOSTS:
        assert host not in text, f"{what} mentions {host}"
    return urls


# --- the host check -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/en/statistics", "/finnes-ikke-her", "/static/nope.css"])
def test_a_page_or_a_missing_page_for_an_unknown_host_is_a_readable_400(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Host header" in response.text
    # Nothing in the answer is built from the refused host.
    assert "evil.example" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/producers",
        "/api/v1/finnes-ikke",
        "/api/klass/v1/classifications",
        "/api/pxwebapi/v2/tables",
        "/catalog",
    ],
)
def test_an_api_path_for_an_unknown_host_is_a_problem(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Host": "evil.example:8000"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == 400 and "Host header" in problem["detail"]
    assert "evil.example" not in response.text


def test_unsafe_methods_are_refused_too(client: FlaskClient) -> None:
    assert client.post("/logg-inn", headers={"Host": "evil.example"}).status_code == 400
    assert client.post("/api/v1/releases", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8000", "LOCALHOST", "127.0.0.1:8000", "[::1]:8000", "localhost."],
)
def test_the_default_hosts_are_served_on_any_port(client: FlaskClient, host: str) -> None:
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "localhost.evil.example", "127.0.0.2", "[::2]", "local host", ""]
)
def test_other_or_malformed_hosts_are_refused(client: FlaskClient, host: str) -> None:
    assert client.get("/", headers={"Host": host}).status_code == 400


def test_the_health_check_answers_whatever_the_host(client: FlaskClient) -> None:
    # Load balancers probe by the machine's address, which no ALLOWED_HOSTS can list in advance.
    response = client.get("/healthz", headers={"Host": "10.0.0.17:8000"})
    assert response.status_code == 200 and response.json["status"] == "ok"


def test_without_base_url_an_allowed_host_is_used_for_urls(client: FlaskClient) -> None:
    robots = client.get("/robots.txt", headers={"Host": "127.0.0.1:8000"})
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots.text
    # X-Forwarded-Host means nothing unless TRUSTED_PROXIES says a proxy sets it.
    forwarded = client.get(
        "/robots.txt", headers={"Host": "localhost", "X-Forwarded-Host": "evil.example"}
    )
    assert forwarded.status_code == 200
    assert "Sitemap: http://localhost/sitemap.xml" in forwarded.text


def test_the_check_sees_the_host_after_proxyfix(app_config: dict[str, object]) -> None:
    app = create_app(
        {**app_config, "TRUSTED_PROXIES": 1, "ALLOWED_HOSTS": "statistikk.example.no, localhost"}
    )
    client = app.test_client()
    # The proxy talks to the portal by an internal address and says which host the client asked for.
    behind = {
        "Host": "10.0.0.17:8000",
        "X-Forwarded-Host": "statistikk.example.no",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "193.90.147.11",
    }
    robots = client.get("/robots.txt", headers=behind)
    assert robots.status_code == 200
    assert "Sitemap: https://statistikk.example.no/sitemap.xml" in robots.text
    refused = client.get("/robots.txt", headers={**behind, "X-Forwarded-Host": "evil.example"})
    assert refused.status_code == 400


# --- configuration ------------------------------------------------------------------------------------


def test_allowed_hosts_and_base_url_from_the_environment(
    app_config: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_ALLOWED_HOSTS", "a.example, B.example:8443,,")
    assert create_app(app_config).config["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    monkeypatch.setenv("PORTAL_ALLOWED_HOSTS", '["a.example", "::1"]')
    assert create_app(app_config).config["ALLOWED_HOSTS"] == ["a.example", "[::1]"]
    monkeypatch.delenv("PORTAL_ALLOWED_HOSTS")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://Statistikk.Example.no:8443/portal/")
    config = create_app(app_config).config
    assert config["BASE_URL"] == "https://statistikk.example.no:8443/portal"
    assert config["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]", "statistikk.example.no"]


@pytest.mark.parametrize(
    "value",
    [
        "statistikk.example.no",
        "ftp://example.no",
        "https://",
        "https://example.no/?x=1",
        "https://a b/",
    ],
)
def test_a_base_url_that_is_no_address_stops_the_start(
    app_config: dict[str, object], value: str
) -> None:
    with pytest.raises(ValueError, match="BASE_URL"):
        create_app({**app_config, "BASE_URL": value})


def test_a_leading_dot_allows_a_domain_and_its_subdomains(app_config: dict[str, object]) -> None:
    client = create_app({**app_config, "ALLOWED_HOSTS": [".example.no"]}).test_client()
    assert client.get("/", headers={"Host": "example.no"}).status_code == 200
    assert client.get("/", headers={"Host": "www.example.no"}).status_code == 200
    assert client.get("/", headers={"Host": "badexample.no"}).status_code == 400
    # An explicit list replaces the defaults.
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    with pytest.raises(ValueError, match="ALLOWED_HOSTS"):
        allowed_hosts(["not a host"], None)
    assert allowed_hosts(None, parse_base_url("http://[::1]:8000")) == (
        "localhost",
        "127.0.0.1",
        "[::1]",
    )


# --- every absolute URL from BASE_URL -----------------------------------------------------------------


class TestWithBaseUrl:
    """An app whose BASE_URL has a path prefix; requests come by the test client's host and an allowed
    internal one, as through a proxy that does not rewrite Host."""

    @pytest.fixture
    def app_config(self, app_config: dict[str, object]) -> dict[str, object]:
        return {**app_config, "BASE_URL": BASE, "ALLOWED_HOSTS": ["localhost", "internal.example"]}

    @pytest.fixture(autouse=True)
    def content(self, app: Flask, clock: FixedClock) -> None:
        """Releases (one published, two announced) and two classifications, for the feeds, the sitemaps
        and the Klass API."""
        with get_database(app).sessions() as s:
            load_test_lists(s, clock.now())
            s.commit()
        releases_in_each_state(app, clock)

    @pytest.mark.parametrize("host", ["localhost", "internal.example:8080"])
    @pytest.mark.parametrize(
        "path",
        [
            "/feeds/releases.atom",
            "/feeds/releases.atom?lang=en",
            "/feeds/releases.rss",
            "/feeds/changes.atom",
            "/feeds/releases.ics",
            "/robots.txt",
            "/sitemap.xml",
            "/catalog",
            *[f"/catalog.{suffix}" for suffix in dcat.SUFFIXES],
            # The test database has no table: see the test with one below.
            *[f"/sitemap-{kind}-1.xml" for kind in KINDS if kind != "tables"],
            "/kalender",
            "/api/klass/v1/classifications",
            f"/api/klass/v1/classifications/{COUNTIES}",
            "/api/klass/v1/versions/200002",
            "/api/klass/v1/classifications/search?query=fylker",
        ],
    )
    def test_every_url_starts_with_base_url(
        self, client: FlaskClient, path: str, host: str
    ) -> None:
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 200, response.text
        # iCalendar folds lines at 75 octets (RFC 5545 3.1), which may cut a URL in two.
        _assert_all_on_base(response.text.replace("\r\n ", ""), path)

    def test_the_feeds_identifiers(self, client: FlaskClient) -> None:
        for kind in ("atom", "rss"):
            path = f"/feeds/releases.{kind}"
            feed = feedparser.parse(client.get(path, headers={"Host": "internal.example"}).data)
            assert not feed.bozo, kind
            assert feed.feed.link == f"{BASE}/kalender"
            assert {link.href for link in feed.feed.links} == {f"{BASE}{path}", f"{BASE}/kalender"}
            if kind == "atom":
                assert feed.feed.id == f"{BASE}{path}"
            assert len(feed.entries) == 3
            for entry in feed.entries:
                assert entry.link.startswith(f"{BASE}/kalender/"), entry.link
                # Entry ids are tag: URIs on the portal's name, stable whatever BASE_URL says.
                assert entry.id.startswith("tag:statistikkportalen.no,2026:release/")
        ics = client.get("/feeds/releases.ics", headers={"Host": "internal.example"}).data
        calendar = icalendar.Calendar.from_ical(ics)
        assert str(calendar["SOURCE"]) == f"{BASE}/feeds/releases.ics"
        events = list(calendar.walk("VEVENT"))
        assert len(events) == 3
        for event in events:
            assert str(event["URL"]).startswith(f"{BASE}/kalender/")
            assert f"{BASE}/kalender/" in str(event["DESCRIPTION"])
            # UIDs stay as they were, whatever BASE_URL says: calendar clients key events on them.
            assert re.fullmatch(r"release-\d+@statistikkportalen\.no", str(event["UID"]))

    def test_the_catalogue_names_its_resources_under_base_url(self, client: FlaskClient) -> None:
        from rdflib import Graph, URIRef

        graph = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
        ours = {
            str(term)
            for triple in graph
            for term in triple
            if isinstance(term, URIRef)
            and urlsplit(str(term)).hostname in {"statistikk.example.no"}
        }
        assert f"{BASE}/" in ours or BASE in ours
        assert len(ours) > 5 and all(u.startswith(BASE) for u in ours)

    def test_table_page_sitemap_catalogue_and_pxwebapi_links(
        self,
        client: FlaskClient,
        test_table: str,  # noqa: F811  (the fixture imported above)
    ) -> None:
        for path in ("/statistikk/folkemengde", f"/en/tables/{test_table}"):
            html = client.get(path, headers={"Host": "internal.example"}).text
            _assert_all_on_base(html, path)
            assert f'<link rel="canonical" href="{BASE}{path}">' in html
            blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
            assert blocks, path
            for block in blocks:
                _assert_all_on_base(block, f"JSON-LD of {path}")
                described = json.loads(block)
                assert str(described["url"]).startswith(BASE + "/"), path
        for path in (
            "/sitemap-tables-1.xml",
            "/catalog.jsonld",
            "/api/pxwebapi/v2/tables",
            f"/api/pxwebapi/v2/tables/{test_table}",
        ):
            answer = client.get(path, headers={"Host": "internal.example:8080"})
            assert answer.status_code == 200, answer.text
            urls = _assert_all_on_base(answer.text, path)
            assert any(test_table in u for u in urls), path

    def test_a_prefix_the_proxy_passes_on_is_taken_off(self, client: FlaskClient) -> None:
        stripped = client.get("/robots.txt")
        passed_on = client.get("/portal/robots.txt")
        assert stripped.status_code == passed_on.status_code == 200
        assert stripped.text == passed_on.text
        assert f"Sitemap: {BASE}/sitemap.xml" in stripped.text

    def test_base_url_host_is_allowed_and_others_still_refused(self, app: Flask) -> None:
        assert app.config["ALLOWED_HOSTS"] == [
            "localhost",
            "internal.example",
            "statistikk.example.no",
        ]
        client = app.test_client()
        assert client.get("/", headers={"Host": "statistikk.example.no"}).status_code == 200
        refused = client.get("/api/v1/producers", headers={"Host": "evil.example"})
        assert refused.status_code == 400
        assert refused.json["instance"] == "/api/v1/producers"
