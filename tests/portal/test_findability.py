"""What search engines read: schema.org Dataset JSON-LD on statistic and table pages (extracted with
extruct, as a crawler does), canonical, hreflang and OpenGraph, robots.txt, and sitemaps that list only
what is public at the instant (a table tied to a release from its minute on)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import extruct
from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.clock import FixedClock
from tests.pxbridge.conftest import test_table, upload_embargoed  # noqa: F401  (a fixture)

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _datasets(html: str) -> list[dict[str, object]]:
    found = extruct.extract(html, base_url="http://localhost/", syntaxes=["json-ld"], uniform=True)
    return [d for d in found["json-ld"] if d.get("@type") == "Dataset"]


def test_statistic_and_table_pages_carry_a_dataset(
    client: FlaskClient,
    test_table: str,  # noqa: F811  (the fixture imported above)
) -> None:
    statistic = _datasets(client.get("/statistikk/folkemengde").text)
    assert len(statistic) == 1
    described = statistic[0]
    for key in (
        "name",
        "description",
        "url",
        "identifier",
        "keywords",
        "license",
        "creator",
        "publisher",
    ):
        assert described[key], key
    assert 50 <= len(str(described["description"])) <= 5000
    assert described["publisher"]["sameAs"].startswith("https://data.brreg.no/enhetsregisteret/")  # type: ignore[index]
    table = _datasets(client.get(f"/en/tables/{test_table}").text)[0]
    assert table["temporalCoverage"] == "2015/2024"
    assert [v["name"] for v in table["variableMeasured"]] == ["region", "contents", "year"]  # type: ignore[union-attr]
    downloads = {d["name"]: d for d in table["distribution"]}  # type: ignore[union-attr]
    assert set(downloads) == {"json-stat2", "csv", "xlsx", "px", "html", "json-px", "parquet"}
    assert downloads["csv"]["encodingFormat"] == "text/csv"
    with client.get(downloads["csv"]["contentUrl"].replace("http://localhost", "")) as answer:
        assert answer.status_code == 200  # a file: closed
    assert table["dateModified"].startswith("2025-11-01")  # type: ignore[union-attr]


def test_pages_name_their_canonical_other_language_and_open_graph(client: FlaskClient) -> None:
    html = client.get("/statistikk/kpi?x=1").text
    assert '<link rel="canonical" href="http://localhost/statistikk/kpi">' in html
    assert 'hreflang="en" href="/en/statistics/kpi' in html
    assert '<meta property="og:title" content="Konsumprisindeksen' in html
    assert '<meta property="og:locale" content="nb_NO">' in html


def test_robots_and_the_sitemap_index(client: FlaskClient) -> None:
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://localhost/sitemap.xml" in robots and "Disallow: /min-side" in robots
    index = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314  (our own answer)
    locations = [e.text for e in index.iter(f"{SM}loc")]
    assert "http://localhost/sitemap-statistics-1.xml" in locations
    statistics = ET.fromstring(client.get("/sitemap-statistics-1.xml").data)  # noqa: S314
    urls = [u.find(f"{SM}loc").text for u in statistics.iter(f"{SM}url")]  # type: ignore[union-attr]
    assert (
        "http://localhost/statistikk/kpi" in urls and "http://localhost/en/statistics/kpi" in urls
    )
    assert client.get("/sitemap-nope-1.xml").status_code == 404


def test_an_embargoed_table_enters_the_sitemap_at_its_minute(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = upload_embargoed(app, client, clock.now(), "99004")

    def listed() -> bool:
        return "/tabeller/99004" in client.get("/sitemap-tables-1.xml").text

    clock.set(at - timedelta(seconds=1))
    assert not listed()
    assert client.get("/api/v1/search?q=99004").json["total"] == 0
    clock.set(at + timedelta(seconds=1))
    assert listed()
    assert client.get("/api/v1/search?q=99004").json["hits"][0]["id"] == "table:99004"
