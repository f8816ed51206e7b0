"""The home page (issue 18): search, the coming days' releases, the latest published, the ways in."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.clock import FixedClock
from tests.conftest import START
from tests.release_calendar.factories import announce_release, oslo


def _announce(app: Flask, at: tuple[int, ...]) -> int:
    """A confirmed KPI release at Oslo wall time ``at``, announced at START (late, so justified)."""
    return announce_release(app, START, oslo(*at), late_justification="Ny statistikk.")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_home_without_releases_says_so_in_both_languages(client: FlaskClient) -> None:
    nb = client.get("/")
    assert nb.status_code == 200
    text = _text(nb.text)
    assert "Ingen publiseringer i dag" in text
    assert "I dag, 23. november 2026" in text
    assert "Ingen publiseringer de neste seks dagene" in text
    en = _text(client.get("/en/").text)
    assert "No releases today" in en and "Today, 23 November 2026" in en
    assert "Ingen publiseringer" not in en


def test_search_box_is_a_labelled_get_form_to_the_search_page(client: FlaskClient) -> None:
    html = client.get("/").text
    form = re.search(
        r'<form method="get" action="/sok" role="search"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, html
    assert '<label for="home-q">Søk i all offisiell statistikk</label>' in form.group(1)
    assert 'id="home-q" name="q"' in form.group(1)
    assert client.get("/sok?q=konsumpris").status_code == 200
    # Two search landmarks (all of it, tables only), each with its own name.
    names = re.findall(r'role="search"[^>]*aria-label="([^"]+)"', html)
    assert names == ["Søk i all offisiell statistikk", "Søk etter tabeller"]
    en = client.get("/en/").text
    assert 'action="/en/search"' in en and "Search all official statistics" in en


def test_coming_releases_by_day_with_time_statistic_and_producer(
    app: Flask, client: FlaskClient
) -> None:
    today = _announce(app, (2026, 11, 23, 10, 0))
    later = _announce(app, (2026, 11, 25, 8, 0))
    beyond = _announce(app, (2026, 12, 1, 8, 0))
    text = _text(client.get("/").text)
    assert "Ingen publiseringer i dag" not in text
    assert "I dag, 23. november 2026 10.00 Konsumprisindeksen SSB" in text
    assert "25. november 2026 08.00 Konsumprisindeksen SSB" in text
    html = client.get("/").text
    assert f'href="/kalender/{today}"' in html and f'href="/kalender/{later}"' in html
    assert f'href="/kalender/{beyond}"' not in html
    en = _text(client.get("/en/").text)
    assert "Today, 23 November 2026 10:00 CET Consumer price index SSB" in en


def test_latest_published_newest_first_and_dated(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    first = _announce(app, (2026, 11, 24, 8, 0))
    second = _announce(app, (2026, 11, 26, 8, 0))
    html = client.get("/").text
    latest = html.split('id="latest-heading"')[1].split("</section>")[0]
    assert f"/kalender/{first}" not in latest  # not out yet: the calendar's rule, not the page's

    clock.advance(timedelta(days=4))
    html = client.get("/").text
    latest = html.split('id="latest-heading"')[1].split("</section>")[0]
    assert latest.index(f"/kalender/{second}") < latest.index(f"/kalender/{first}")
    assert "26. november 2026" in _text(latest) and "24. november 2026" in _text(latest)
    assert latest.count("<li>") <= 8
    assert 'href="/kalender?status=published&amp;order=newest"' in latest


def test_ways_in_by_subject_producer_and_tables(client: FlaskClient) -> None:
    html = client.get("/").text
    assert 'href="/emner/' in html and 'href="/produsenter/ssb"' in html
    tables = html.split('id="tables-heading"')[1].split("</section>")[0]
    assert 'action="/tabeller"' in tables and 'href="/tabeller"' in tables  # the table finder
    assert 'href="/statistikk"' in tables
    en = client.get("/en/").text
    assert 'href="/en/statistics"' in en.split('id="tables-heading"')[1]


def test_home_keeps_its_json_twin(client: FlaskClient) -> None:
    page = client.get("/")
    twin = page.headers["Link"].split(">")[0][1:]
    assert twin.endswith("/api/v1/")
    body = client.get(twin).get_json()
    assert body is not None and body["producers"]
