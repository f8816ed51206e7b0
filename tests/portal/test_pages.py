"""Pages in both languages, their JSON twins, security headers and accessibility basics."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

PAGES = [
    ("/", "/en/"),
    ("/tilgjengelighet", "/en/accessibility"),
    ("/statistikk", "/en/statistics"),
    ("/produsenter/ssb", "/en/producers/ssb"),
    ("/emner/befolkning", "/en/subjects/befolkning"),
    ("/statistikk/kpi", "/en/statistics/kpi"),
    ("/logg-inn", "/en/log-in"),
]


def test_every_page_has_a_json_twin_or_says_why_not(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if not (rule.defaults or {}).get("lang") or "GET" not in (rule.methods or set()):
            continue
        view = app.view_functions[rule.endpoint]
        twin, reason = getattr(view, "json_twin", None), getattr(view, "no_twin_because", None)
        assert twin or reason, f"{rule.rule} has no JSON twin and no reason"
        if twin:
            assert twin in app.view_functions, f"{rule.rule} names a missing twin {twin}"


@pytest.mark.parametrize(("nb", "en"), PAGES)
def test_page_in_both_languages_links_to_the_other_and_to_its_twin(
    client: FlaskClient, nb: str, en: str
) -> None:
    for path, lang, other in ((nb, "nb", en), (en, "en", nb)):
        response = client.get(path)
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.text
        assert f'hreflang="{"en" if lang == "nb" else "nb"}" href="{other}"' in response.text
        link = response.headers.get("Link")
        if link:
            twin = re.match(r"<([^>]+)>", link).group(1)
            assert f'<link rel="alternate" type="application/json" href="{twin}">' in response.text
            assert client.get(twin).status_code == 200


def test_statistic_page_and_twin_show_the_same_statistic(client: FlaskClient) -> None:
    page = client.get("/en/statistics/kpi")
    twin = client.get(page.headers["Link"].split(">")[0][1:]).json
    assert twin["name_en"] in page.text and twin["producer"]["name_en"] in page.text


def test_home_counts_match_the_api(client: FlaskClient) -> None:
    api = client.get("/api/v1/").json
    assert len(api["producers"]) == 16 and len(api["subject_areas"]) == 21
    page = client.get("/").text
    for producer in api["producers"]:
        n = producer["statistics_count"]
        assert (
            f"{producer['short_name']} · {n} {'statistikk' if n == 1 else 'statistikker'}" in page
        )


def test_filters_narrow_the_list(client: FlaskClient) -> None:
    monthly = client.get("/api/v1/statistics?frequency=monthly&per_page=200").json
    assert monthly["total"] > 0 and all(s["frequency"] == "monthly" for s in monthly["items"])
    nav = client.get("/api/v1/statistics?producer=nav").json
    assert nav["total"] >= 1 and {s["producer"]["slug"] for s in nav["items"]} == {"nav"}
    text = client.get("/api/v1/statistics?q=konsumpris").json
    assert [s["slug"] for s in text["items"]] == ["kpi"]
    paged = client.get("/api/v1/statistics?per_page=10&page=2").json
    assert paged["page"] == 2 and len(paged["items"]) == 10 and paged["links"]["prev"]
    page = client.get("/en/statistics?producer=nav")
    assert all(s["name_en"] in page.text for s in nav["items"])


def test_security_headers_on_pages_and_api(client: FlaskClient) -> None:
    for path in ("/", "/api/v1/producers", "/nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_load_nothing_from_other_hosts_and_have_landmarks(client: FlaskClient) -> None:
    for nb, _en in PAGES:
        html = client.get(nb).text
        assert not re.search(
            r'(src|href)="(https?:)?//(?!www\.ssb\.no)[^"]*\.(js|css|woff2?)"', html
        )
        # No scripts run from the page itself; JSON-LD is data for crawlers, never executed.
        assert "<script" not in html.replace('<script type="application/ld+json">', "")
        assert 'class="skip-link" href="#main"' in html
        for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
            assert landmark in html


def test_error_pages_are_readable_html_in_the_right_language(client: FlaskClient) -> None:
    nb = client.get("/finnes-ikke")
    assert nb.status_code == 404 and "Vi fant ikke siden" in nb.text
    en = client.get("/en/does-not-exist")
    assert en.status_code == 404 and "We could not find that page" in en.text
    assert client.post("/statistikk").status_code == 405
