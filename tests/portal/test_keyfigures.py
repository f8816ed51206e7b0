"""The statistic page as the hub (issue 18): its key figures (the headline values of its main table with
the change from the period before, each linked to the table page with that selection), its next release
with feeds of its own, its tables, its "Om statistikken" only when published; the producer's choice of
main table and headline (the form and the token API), and a release page that links to what it published.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.clock import FixedClock
from portal.kernel.errors import BadRequest
from portal.web.keyfigures import HeadlineControl, read_headline
from tests.conftest import NAV_EDITOR, SSB_EDITOR, bearer, csrf_token, login, make_token
from tests.pxbridge.conftest import px_table, store_table
from tests.release_calendar.factories import announce_release

NBSP = "\u00a0"


def _upload(app: Flask, client: FlaskClient, matrix: str, release: int | None = None) -> None:
    table = px_table(matrix, f"Nøkkelbefolkning {matrix}")
    store_table(app, client, table, "kpi", table_id=matrix, release=release)


def _figures(html: str) -> list[str]:
    """The key figures' section of a page, figure by figure, as plain text."""
    section = html.split('class="key-figures"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r'<li class="figure">(.*?)</li>', section, re.S)
    # Blanks collapsed, the no-break spaces of numbers kept.
    return [re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", i)).strip() for i in items]


def _patch(client: FlaskClient, app: Flask, body: dict[str, Any], producer: str = "ssb") -> Any:
    return client.patch(
        "/api/v1/statistics/kpi", json=body, headers=bearer(make_token(app, producer, "choice"))
    )


def test_the_statistic_page_leads_with_the_latest_value_and_its_change(
    app: Flask, client: FlaskClient
) -> None:
    _upload(app, client, "99301")
    page = client.get("/statistikk/kpi").text
    # The first table, its first contents value (Folkemengde) for the whole country (the elimination
    # value): 1009 in 2024, 1008 in 2023, with the table's one decimal.
    [figure] = _figures(page)
    assert f"1{NBSP}009,0 personer" in figure
    assert "Periode: 2024" in figure
    assert f"Endring fra 2023: +1,0 (+0,1{NBSP}%)" in figure
    link = re.search(r'<p class="figure-label"><a href="([^"]+)">Folkemengde</a>', page)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith("/tabeller/99301?")
    assert "v-Tid=2023" in href and "v-Tid=2024" in href and "v-ContentsCode=Folkemengde" in href
    assert "v-Region=0" in href
    # The table page opens with that selection.
    assert client.get(href).status_code == 200
    assert "Fra tabell 99301" in page

    english = client.get("/en/statistics/kpi").text
    [figure] = _figures(english)
    assert "1,009.0 persons" in figure and "Period: 2024" in figure
    assert "Change from 2023: +1.0 (+0.1%)" in figure
    assert 'href="/en/tables/99301?' in english


def test_the_statistic_page_lists_its_tables_releases_and_feeds(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    _upload(app, client, "99302")
    release = announce_release(app, clock.now(), clock.now() + timedelta(days=120))
    page = client.get("/statistikk/kpi").text
    tables = page.split('id="tables"', 1)[1].split("</section>", 1)[0]
    assert "99302" in tables and "2015–2024" in tables and "Nøkkelbefolkning 99302" in tables
    upcoming = page.split('id="upcoming"', 1)[1].split("</section>", 1)[0]
    assert f"/kalender/{release}" in upcoming
    assert "/feeds/releases.ics?statistic=kpi" in upcoming
    assert "/feeds/releases.atom?statistic=kpi" in upcoming
    assert "/feeds/releases.rss?statistic=kpi" in upcoming
    # The feeds take the filter.
    feed = client.get("/feeds/releases.atom?statistic=kpi")
    assert feed.status_code == 200
    assert f"/kalender/{release}" in feed.text


def test_without_tables_the_page_says_so(client: FlaskClient) -> None:
    page = client.get("/statistikk/laks").text
    assert "Statistikken har ingen publiserte tabeller ennå." in page
    assert "The statistic has no published tables yet." in client.get("/en/statistics/laks").text


def test_om_statistikken_is_linked_only_when_published(client: FlaskClient) -> None:
    # Demo programme: KPI has published documentation in the demo; a statistic without it says so.
    page = client.get("/statistikk/kpi").text
    section = page.split('id="documentation"', 1)[1].split("</section>", 1)[0]
    if "/statistikk/kpi/om-statistikken" in section:
        assert "Utfylt:" in section
    else:
        assert "ingen publisert dokumentasjon" in section
    bare = client.get("/statistikk/laks").text
    section = bare.split('id="documentation"', 1)[1].split("</section>", 1)[0]
    assert "/om-statistikken" not in section
    assert "Denne statistikken har ingen publisert dokumentasjon ennå." in section


def test_the_producers_chosen_headline_is_used(app: Flask, client: FlaskClient) -> None:
    _upload(app, client, "99303")
    _upload(app, client, "99304")
    response = _patch(
        client,
        app,
        {"main_table_id": "99304", "headline": {"ContentsCode": ["Andel"], "Region": ["03"]}},
    )
    assert response.status_code == 200, response.text
    assert response.json["main_table_id"] == "99304"
    assert response.json["headline"] == {"ContentsCode": ["Andel"], "Region": ["03"]}
    page = client.get("/statistikk/kpi").text
    [figure] = _figures(page)
    # Oslo's share: 2109.9 in 2024, 2108.8 in 2023 (one decimal, the table's precision).
    assert f"2{NBSP}109,9 prosent" in figure and "Andel, Oslo" in figure
    assert "Endring fra 2023: +1,1" in figure
    assert "/tabeller/99304?" in page and "v-Region=03" in page

    # Several contents values make several figures; null clears the choice.
    response = _patch(client, app, {"headline": {"ContentsCode": ["Folkemengde", "Andel"]}})
    assert response.status_code == 200, response.text
    assert len(_figures(client.get("/statistikk/kpi").text)) == 2
    response = _patch(client, app, {"main_table_id": None, "headline": None})
    assert response.status_code == 200 and response.json["headline"] is None
    assert "Fra tabell 99303" in client.get("/statistikk/kpi").text


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"main_table_id": "14700"}, "/main_table_id"),  # not KPI's (nor stored)
        ({"main_table_id": "99305", "headline": {"Tid": ["2024"]}}, "/headline"),
        ({"main_table_id": "99305", "headline": {"Fylke": ["03"]}}, "/headline"),
        ({"main_table_id": "99305", "headline": {"Region": ["03", "11"]}}, "/headline"),
        ({"main_table_id": "99305", "headline": {"ContentsCode": ["Ukjent"]}}, "/headline"),
    ],
)
def test_a_choice_that_does_not_fit_the_table_is_refused(
    app: Flask, client: FlaskClient, body: dict[str, Any], pointer: str
) -> None:
    _upload(app, client, "99305")
    response = _patch(client, app, body)
    assert response.status_code == 400, response.text
    assert pointer in {e["pointer"] for e in response.json["errors"]}
    norwegian = client.patch(
        "/api/v1/statistics/kpi",
        json=body,
        headers={**bearer(make_token(app, "ssb", "nb")), "Accept-Language": "nb"},
    )
    assert norwegian.status_code == 400


def test_only_the_producers_editors_choose(app: Flask, client: FlaskClient) -> None:
    _upload(app, client, "99306")
    assert _patch(client, app, {"main_table_id": "99306"}, producer="nav").status_code == 403
    login(client, NAV_EDITOR)
    page = client.get("/min-side/statistikk/kpi")
    assert page.status_code == 403


def test_the_form_sets_the_main_table_and_headline(app: Flask, client: FlaskClient) -> None:
    _upload(app, client, "99307")
    _upload(app, client, "99308")
    login(client, SSB_EDITOR)
    page = client.get("/min-side/statistikk/kpi").text
    assert '<option value="99308">' in page and "Hovedtabell for nøkkeltallene" in page
    # No main table saved yet: nothing to choose the key figures among.
    assert "Lagre valget av hovedtabell først; så kan du velge nøkkeltallene i den." in page
    assert 'name="headline-' not in page
    response = client.post(
        "/min-side/statistikk/kpi", data={**_form_values(page), "main_table_id": "99308"}
    )
    assert response.status_code == 303, response.text

    # The saved table's variables but time, labelled in the page's language.
    page = client.get("/min-side/statistikk/kpi").text
    assert "Lagre valget av hovedtabell først" not in page
    contents = _control(page, "headline-ContentsCode")
    assert "<legend>statistikkvariabel</legend>" in contents
    assert re.findall(r'type="checkbox" value="([^"]+)"', contents) == ["Folkemengde", "Andel"]
    assert "Kryss av for opptil 6" in contents
    region = _control(page, "headline-Region")
    assert _options(region) == [
        ("", "Standard (totalen)"),
        ("0", "Hele landet"),
        ("03", "Oslo"),
        ("11", "Rogaland"),
        ("46", "Vestland"),
        ("50", "Trøndelag"),
    ]
    assert 'name="headline-Tid"' not in page
    english = client.get("/en/my-page/statistics/kpi").text
    assert "<legend>contents</legend>" in english
    assert ">Population</label>" in english and ">Share</label>" in english
    assert _options(_control(english, "headline-Region"))[:2] == [
        ("", "Default (the total)"),
        ("0", "The whole country"),
    ]

    # Two contents values ticked and a region chosen: two key figures, both for Rogaland.
    response = client.post(
        "/min-side/statistikk/kpi",
        data={
            **_form_values(page),
            "headline-ContentsCode": ["Folkemengde", "Andel"],
            "headline-Region": "11",
        },
    )
    assert response.status_code == 303, response.text
    assert _saved(client)["headline"] == {
        "ContentsCode": ["Folkemengde", "Andel"],
        "Region": ["11"],
    }
    figures = _figures(client.get("/statistikk/kpi").text)
    assert len(figures) == 2
    assert "Folkemengde, Rogaland" in figures[0] and "Andel, Rogaland" in figures[1]
    # The page shows the choice as saved.
    page = client.get("/min-side/statistikk/kpi").text
    values = _form_values(page)
    assert values["headline-ContentsCode"] == ["Folkemengde", "Andel"]
    assert values["headline-Region"] == "11"

    # A value that is not the table's, posted by hand, is refused at its field, in Norwegian, and
    # kept on the page; nothing is saved.
    response = client.post("/min-side/statistikk/kpi", data={**values, "headline-Region": "99"})
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="headline-Region-error">(.*?)</p>', response.text)
    assert error is not None
    assert error.group(1).strip() == "Velg blant verdiene i listen for region."
    assert 'href="#headline-Region">Velg blant verdiene' in response.text
    assert _form_values(response.text)["headline-ContentsCode"] == ["Folkemengde", "Andel"]
    assert _saved(client)["headline"]["Region"] == ["11"]

    # Changing the main table clears the headline chosen in the old one.
    response = client.post("/min-side/statistikk/kpi", data={**values, "main_table_id": "99307"})
    assert response.status_code == 303, response.text
    saved = _saved(client)
    assert saved["main_table_id"] == "99307" and saved["headline"] is None
    values = _form_values(client.get("/min-side/statistikk/kpi").text)
    assert values["headline-ContentsCode"] == [] and values["headline-Region"] == ""

    # A refused post that changes the table offers no values until the new table is saved.
    response = client.post(
        "/min-side/statistikk/kpi", data={**values, "main_table_id": "99308", "name_nb": ""}
    )
    assert response.status_code == 400
    assert "Lagre valget av hovedtabell først" in response.text
    assert 'name="headline-' not in response.text


def test_the_headline_controls_mark_labels_not_in_the_pages_language(
    app: Flask, client: FlaskClient
) -> None:
    # A table in English only: its labels come in English on the Norwegian page, marked as English.
    english_only = "\n".join(
        line.replace('LANGUAGE="no"', 'LANGUAGE="en"')
        for line in px_table("99310").decode("cp1252").split("\n")
        if "[en]" not in line and not line.startswith("LANGUAGES=")
    ).encode("cp1252")
    store_table(app, client, english_only, "kpi", table_id="99310")
    assert _patch(client, app, {"main_table_id": "99310"}).status_code == 200
    login(client, SSB_EDITOR)
    page = client.get("/min-side/statistikk/kpi").text
    assert '<legend lang="en">statistikkvariabel</legend>' in page
    assert '<label for="headline-Region"><span lang="en">region</span></label>' in page
    # The page's own words are not marked.
    assert re.search(r'<option (selected )?value="">Standard \(totalen\)</option>', page)
    assert '<option lang="en" value="03">Oslo</option>' in page
    english = client.get("/en/my-page/statistics/kpi").text
    assert "<legend>statistikkvariabel</legend>" in english and 'lang="en" value=' not in english


def test_a_headline_form_refuses_more_figures_than_shown() -> None:
    many = HeadlineControl(
        "ContentsCode", "statistikkvariabel", tuple((f"K{i}", f"K {i}") for i in range(8)), True
    )
    one = HeadlineControl("Region", "region", (("0", "Hele landet"), ("03", "Oslo")), False)
    assert read_headline(
        [many, one], {"headline-ContentsCode": ["K1", "K0"], "headline-Region": [""]}
    ) == {"ContentsCode": ("K0", "K1")}
    with pytest.raises(BadRequest) as refused:
        read_headline(
            [many, one],
            {"headline-ContentsCode": [f"K{i}" for i in range(7)], "headline-Region": ["0", "03"]},
        )
    assert {e.pointer: e.message("nb") for e in refused.value.errors} == {
        "/headline-ContentsCode": "Kryss av for høyst 6 verdier av statistikkvariabel.",
        "/headline-Region": "Velg én verdi av region; bare statistikkvariabelen kan ha flere.",
    }


def _saved(client: FlaskClient) -> Any:
    """The statistic as the API gives it."""
    return client.get("/api/v1/statistics/kpi").json


def _control(html: str, name: str) -> str:
    """The markup of the headline control named ``name`` (its fieldset or its field)."""
    found = re.search(
        rf'<(fieldset|div) class="field[^"]*"[^>]*>(?:(?!</?\1).)*?name="{name}".*?</\1>',
        html,
        re.S,
    )
    assert found is not None, name
    return found.group(0)


def _options(select: str) -> list[tuple[str, str]]:
    return re.findall(r'<option(?: selected)? value="([^"]*)">([^<]*)</option>', select)


def _form_values(html: str) -> dict[str, Any]:
    """The edit form as it stands: its fields' values, the ticked boxes of each group of checkboxes as
    a list, each select's chosen option."""
    values: dict[str, Any] = {"csrf_token": csrf_token(html)}
    form = next(f for f in html.split("<form")[1:] if 'name="name_nb"' in f).split("</form>", 1)[0]
    for tag in re.findall(r"<input[^>]*>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        name = attrs.get("name")
        if name in (None, "csrf_token"):
            continue
        if attrs.get("type") == "checkbox":
            ticked = re.search(r"\schecked[\s>]", tag) is not None
            if name == "is_official":
                values[name] = "y"  # as the tests have always posted it
            else:
                values.setdefault(name, [])
                if ticked:
                    values[name].append(attrs.get("value", ""))
        else:
            values[name] = attrs.get("value", "")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        values[name] = chosen.group(1) if chosen else ""
    for name in ("description_nb", "description_en"):
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', form, re.S)
        values[name] = found.group(1).strip() if found else ""
    return values


def test_a_published_release_links_to_what_it_published(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = clock.now() + timedelta(hours=1)
    release = announce_release(app, clock.now(), at, late_justification="Test.")
    _upload(app, client, "99309", release=release)
    before = client.get(f"/kalender/{release}").text
    assert "Dette publiseres" in before and "Dette ble publisert" not in before
    assert "/tabeller/99309" not in before and 'class="key-figures"' not in before
    clock.set(at)
    after = client.get(f"/kalender/{release}").text
    assert "Dette ble publisert" in after and "Dette publiseres" not in after
    assert 'href="/tabeller/99309"' in after
    assert f"1{NBSP}009,0 personer" in " ".join(_figures(after))
    english = client.get(f"/en/calendar/{release}").text
    assert "What was published" in english and 'href="/en/tables/99309"' in english
    assert "1,009.0 persons" in " ".join(_figures(english))


def test_a_published_release_links_to_the_documentation_changes_it_brought(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = clock.now() + timedelta(hours=1)
    release = announce_release(app, clock.now(), at, late_justification="Test.")
    token = make_token(app, "ssb", "documentation")
    docs = "/api/v1/statistics/kpi/documentation"
    for text, body in (("Første tekst.", {}), ("Andre tekst.", {"with_release": release})):
        saved = client.put(
            f"{docs}/draft",
            json={"concepts": {"S.3.1": {"nb": text, "en": text}}, "merge": True},
            headers=bearer(token),
        )
        assert saved.status_code == 200, saved.text
        published = client.post(
            f"{docs}/publish",
            json={"change_note": f"Endret: {text}", **body},
            headers=bearer(token),
        )
        assert published.status_code in (200, 201, 202), published.text
    assert "/om-statistikken/endringer" not in client.get(f"/kalender/{release}").text
    clock.set(at)
    page = client.get(f"/kalender/{release}").text
    changes = page.split('id="what-was-published"', 1)[1].split("</section>", 1)[0]
    link = re.search(r'href="(/statistikk/kpi/om-statistikken/endringer\?[^"]+)"', changes)
    assert link is not None
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 200
    assert "Endret: Andre tekst." in changes and "Første tekst" not in changes
    english = client.get(f"/en/calendar/{release}").text
    assert "/en/statistics/kpi/about/changes?" in english
