"""The accessibility page (issue 18): both languages with hreflang and a JSON twin, linked from every
page's footer, the statement's address and the contact from the settings (and no dead link without
them), the complaint route, the sitemap; and the pages the screenshot script visits all answer."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.blueprint import get_store
from pxbridge.demo import seed_tables
from release_calendar.demo import seed_releases

ROOT = Path(__file__).resolve().parents[2]
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
STATEMENT = "https://uustatus.no/nb/erklaringer/publisert/0000-statistikkportalen"


def _text(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_the_page_in_both_languages_with_hreflang_and_its_json_twin(client: FlaskClient) -> None:
    for path, lang, other, heading in (
        ("/tilgjengelighet", "nb", "/en/accessibility", "Tilgjengelighet"),
        ("/en/accessibility", "en", "/tilgjengelighet", "Accessibility"),
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text
        assert f"<h1>{heading}</h1>" in page.text
        assert f'hreflang="{"en" if lang == "nb" else "nb"}" href="{other}"' in page.text
        twin = re.match(r"<([^>]+)>", page.headers["Link"]).group(1)  # type: ignore[union-attr]
        assert f'<link rel="alternate" type="application/json" href="{twin}">' in page.text
        facts = client.get(twin).json
        assert facts["target"] == "WCAG 2.1 AA"
        assert facts["tested"]["widths"] == [320, 1366]
        assert facts["tested"]["languages"] == ["nb", "en"]
        assert facts["complaints"] == "https://www.uutilsynet.no/"
        assert facts["page"] == {
            "nb": "http://localhost/tilgjengelighet",
            "en": "http://localhost/en/accessibility",
        }
        for issue in facts["known_issues"]:
            assert issue["nb"] in client.get("/tilgjengelighet").text
            assert issue["en"] in client.get("/en/accessibility").text


def test_it_says_what_is_tested_and_where_to_complain(client: FlaskClient) -> None:
    nb = _text(client.get("/tilgjengelighet").text)
    for words in ("axe-core", "Chromium", "320 og 1366 piksler", "WCAG 2.1", "uten JavaScript"):
        assert words in nb, words
    assert "«Hopp til hovedinnhold»" in nb
    en = _text(client.get("/en/accessibility").text)
    for words in ("axe-core", "320 and 1366 pixels", "without JavaScript", "Report a problem"):
        assert words in en, words
    for path in ("/tilgjengelighet", "/en/accessibility"):
        assert '<a href="https://www.uutilsynet.no/">' in client.get(path).text


def test_without_settings_the_statement_is_being_prepared_and_no_link_is_dead(
    client: FlaskClient,
) -> None:
    html = client.get("/tilgjengelighet").text
    assert "Tilgjengelighetserklæringen for Statistikkportalen er under arbeid." in html
    assert 'href="https://uustatus.no' not in html and "mailto:" not in html
    assert "si fra til produsenten av statistikken" in _text(html)
    facts = client.get("/tilgjengelighet.json").json
    assert facts["statement_url"] is None and facts["contact"] is None


def test_the_settings_give_the_statement_link_and_the_contact(
    app: Flask, client: FlaskClient
) -> None:
    app.config["ACCESSIBILITY_STATEMENT_URL"] = STATEMENT
    app.config["ACCESSIBILITY_CONTACT"] = "tilgjengelighet@example.no"
    html = client.get("/en/accessibility").text
    assert f'<a href="{STATEMENT}" hreflang="nb">' in html
    assert "is being prepared" not in html
    assert (
        'write to <a href="mailto:tilgjengelighet@example.no">tilgjengelighet@example.no</a>.'
        in html
    )
    facts = client.get("/en/accessibility.json").json
    assert facts["statement_url"] == STATEMENT
    assert facts["contact"] == "tilgjengelighet@example.no"
    # Anything but an http(s) address is not linked.
    app.config["ACCESSIBILITY_STATEMENT_URL"] = "javascript:alert(1)"
    assert "javascript:" not in client.get("/tilgjengelighet").text


def test_every_page_links_to_it_in_the_footer(client: FlaskClient) -> None:
    for path, target in (
        ("/", "/tilgjengelighet"),
        ("/en/statistics/kpi", "/en/accessibility"),
        ("/kalender", "/tilgjengelighet"),
        ("/logg-inn", "/tilgjengelighet"),
        ("/finnes-ikke", "/tilgjengelighet"),
        ("/en/does-not-exist", "/en/accessibility"),
    ):
        footer = client.get(path).text.split('<footer class="site-footer">', 1)[1]
        assert f'<a href="{target}">' in footer, path


def test_the_sitemap_lists_it_in_both_languages(client: FlaskClient) -> None:
    pages = ET.fromstring(client.get("/sitemap-pages-1.xml").data)  # noqa: S314  (our own answer)
    urls = [u.find(f"{SM}loc").text for u in pages.iter(f"{SM}url")]  # type: ignore[union-attr]
    assert "http://localhost/tilgjengelighet" in urls
    assert "http://localhost/en/accessibility" in urls


def _screenshots() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "scripts" / "screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_screenshot_scripts_pages_all_answer(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    with get_database(app).sessions() as s:
        seed_releases(s, clock.now())
        seed_tables(s, get_store(app), clock.now())  # the table page's 05333
        s.commit()
    shots = _screenshots().shots(lambda path: client.get(path).json)
    assert {(name, lang) for name, lang, _ in shots} == {
        (name, lang)
        for name in ("home", "statistic", "release", "search", "calendar", "tables", "table")
        for lang in ("nb", "en")
    }
    for _name, _lang, path in shots:
        assert client.get(path).status_code == 200, path
