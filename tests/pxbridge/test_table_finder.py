"""The table finder (issue 19): /tabeller and /en/tables list every public table of every producer, by
subject area, producer and statistic, by words and by how recent, sorted and counted, each with its
periods, last update and next update; an embargoed table appears at its release and not before; filters
it cannot read are refused at their field in the page's language."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.models import DataTable
from tests.pxbridge.conftest import px_table, store_table, upload_embargoed
from tests.release_calendar.factories import announce_release


def _listed(html: str) -> list[str]:
    """The table ids the finder lists, in its order."""
    found = html.split('class="table-list"', 1)
    if len(found) == 1:
        return []
    return re.findall(
        r'<a href="/(?:en/)?t(?:abeller|ables)/([^"?/]+)"', found[1].split("</ul>", 1)[0]
    )


def test_every_public_table_by_producer_subject_statistic_and_words(
    app: Flask, client: FlaskClient, tables: dict[str, str]
) -> None:
    store_table(
        app, client, px_table("99501", "Helt ledige"), "nav-helt-ledige", "nav", table_id="99501"
    )
    page = client.get("/tabeller")
    assert page.status_code == 200
    ids = _listed(page.text)
    assert sorted(ids) == sorted([*tables.values(), "99501"]) and ids == sorted(ids)
    assert "4 tabeller" in page.text
    assert '<a href="/tabeller">Tabeller</a>' in page.text  # in the navigation
    assert client.get("/en/tables").text.count("4 tables") == 1

    assert _listed(client.get("/tabeller?producer=nav").text) == ["99501"]
    beftett = tables["14216.px"]
    assert _listed(client.get("/tabeller?statistic=beftett").text) == [beftett]
    assert _listed(client.get("/tabeller?q=99501").text) == ["99501"]
    # By subject area: the tables whose statistic is in the area, and only those.
    with get_database(app).sessions() as db:
        area = db.get(
            DataTable, tables["WeeklyStatisticsWithTwoContent.px"]
        ).statistic.subject_areas[0]
        in_area = _listed(client.get(f"/tabeller?subject_area={area.slug}").text)
        assert tables["WeeklyStatisticsWithTwoContent.px"] in in_area
        everything = _listed(client.get("/tabeller").text)
        for table_id in everything:
            areas = {a.slug for a in db.get(DataTable, table_id).statistic.subject_areas}
            assert (table_id in in_area) == (area.slug in areas), table_id
    # Sorted by title in the page's language.
    titled = client.get("/tabeller?order=title").text
    titles = re.findall(r'<h2 class="item-title"><a [^>]+>[^:]+: <span[^>]*>([^<]+)</span>', titled)
    assert len(titles) == 4 and titles == sorted(titles, key=str.lower)


def test_a_row_shows_periods_updates_and_the_next_release(
    app: Flask, client: FlaskClient, clock: FixedClock, tables: dict[str, str]
) -> None:
    release = announce_release(
        app, clock.now(), clock.now() + timedelta(days=120), statistic="beftett"
    )
    page = client.get("/tabeller?statistic=beftett").text
    row = page.split('class="table-list"', 1)[1].split("</li>", 1)[0]
    assert "Perioder" in row and "Sist oppdatert" in row
    assert f'href="/kalender/{release}"' in row and "Neste oppdatering" in row
    other = client.get("/tabeller?statistic=laks").text
    assert "Ikke varslet" in other.split('class="table-list"', 1)[1].split("</li>", 1)[0]


def test_an_embargoed_table_is_listed_from_its_release_on(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = upload_embargoed(app, client, clock.now(), "99502")
    assert "99502" not in _listed(client.get("/tabeller").text)
    assert "99502" not in _listed(client.get("/tabeller?q=99502").text)
    clock.set(at - timedelta(seconds=1))
    assert "99502" not in _listed(client.get("/tabeller?statistic=folkemengde").text)
    clock.set(at)
    assert _listed(client.get("/tabeller?statistic=folkemengde").text) == ["99502"]


def test_filters_it_cannot_read_are_refused_at_their_field(client: FlaskClient) -> None:
    page = client.get("/tabeller?producer=nope&updated=3&order=colour&page=x")
    assert page.status_code == 400
    for message in (
        "Velg en produsent fra listen.",
        "Velg et tidsrom fra listen.",
        "Velg en rekkefølge fra listen.",
        "Sidenummeret i adressen er ikke et helt tall",
    ):
        assert message in page.text
    assert 'id="t-producer" name="producer" aria-invalid="true"' in page.text
    assert '<a href="#t-producer">' in page.text  # the error summary links to the field
    english = client.get("/en/tables?statistic=nope")
    assert english.status_code == 400 and "Choose a statistic from the list." in english.text
    assert client.get("/tabeller?q=" + "x" * 201).status_code == 400


def test_home_and_statistic_pages_lead_to_the_finder(
    client: FlaskClient, tables: dict[str, str]
) -> None:
    home = client.get("/").text
    assert 'action="/tabeller"' in home and 'href="/tabeller"' in home
    statistic = client.get("/statistikk/beftett").text
    assert 'href="/tabeller?statistic=beftett"' in statistic


def test_periods_run_from_the_earliest_even_when_the_file_lists_the_newest_first(
    client: FlaskClient, tables: dict[str, str]
) -> None:
    """14216.px lists its years "2025","2024" (issue 19 found firstPeriod 2025 and lastPeriod 2024)."""
    table = client.get(f"/api/pxwebapi/v2/tables/{tables['14216.px']}?lang=no").json
    assert (table["firstPeriod"], table["lastPeriod"]) == ("2024", "2025")
    row = client.get("/tabeller?statistic=beftett").text.split('class="table-list"', 1)[1]
    assert "2024–2025" in row.split("</li>", 1)[0]
