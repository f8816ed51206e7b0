"""Every text carries the language it was written in (issue 18, WCAG 2.1 3.1.2): producers give the
calendar's free texts (a move's or cancellation's reason, a late announcement's justification, the purpose
of pre-release access) in Norwegian and, optionally, English; a page in the other language shows the one
there is, marked with ``lang`` and said to exist in that language only. "Om statistikken" texts and the key
figures of a table in one language are marked the same way."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.clock import FixedClock
from tests.conftest import SSB_EDITOR, bearer, csrf_token, login, make_token
from tests.pxbridge.conftest import store_table
from tests.release_calendar.factories import announce_release

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
REASON_NB = "Datagrunnlaget fra leverandøren kom for sent."
REASON_EN = "The supplier's data arrived too late."


class _Languages(HTMLParser):
    """The language of each text on a page: the nearest ``lang`` around it."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        inherited = self.stack[-1][1] if self.stack else ""
        self.stack.append((tag, dict(attrs).get("lang") or inherited))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((data.strip(), self.stack[-1][1] if self.stack else ""))


def lang_of(html: str, text: str) -> str:
    """The language the page gives the text node holding ``text`` (fails when none holds it)."""
    parser = _Languages()
    parser.feed(html)
    found = [lang for data, lang in parser.texts if text in data]
    assert found, f"{text!r} is not on the page"
    return found[0]


def _move(client: FlaskClient, app: Flask, release: int, clock: FixedClock, **texts: str) -> None:
    token = make_token(app, "ssb", "move")
    version = client.get(f"/api/v1/releases/{release}").json["version"]
    response = client.post(
        f"/api/v1/releases/{release}/reschedule",
        json={
            "version": version,
            "release_at": (clock.now() + timedelta(days=130)).isoformat(),
            "reason": "late-data",
            **texts,
        },
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text


def test_a_reason_only_in_norwegian_is_marked_and_said_on_english_pages(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    release = announce_release(app, clock.now(), clock.now() + timedelta(days=120))
    _move(client, app, release, clock, reason_text=REASON_NB)
    english = client.get(f"/en/calendar/{release}").text
    assert lang_of(english, REASON_NB) == "nb"
    assert "(only in Norwegian)" in english
    norwegian = client.get(f"/kalender/{release}").text
    assert lang_of(norwegian, REASON_NB) == "nb"  # the page's own: no lang of its own, no note
    assert f'<span lang="nb">{REASON_NB}' not in norwegian
    assert "bare på" not in norwegian
    # The change list and the English feeds too.
    changes = client.get("/en/calendar/changes").text
    assert lang_of(changes, REASON_NB) == "nb" and "(only in Norwegian)" in changes
    assert REASON_NB in client.get("/feeds/changes.atom?lang=en").text
    change = client.get(f"/api/v1/releases/{release}").json["changes"][-1]
    assert change["reason_text"] == REASON_NB and change["reason_text_en"] is None


def test_a_reason_in_both_languages_shows_each_page_its_own(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    release = announce_release(app, clock.now(), clock.now() + timedelta(days=120))
    _move(client, app, release, clock, reason_text=REASON_NB, reason_text_en=REASON_EN)
    english = client.get(f"/en/calendar/{release}").text
    assert lang_of(english, REASON_EN) == "en" and REASON_NB not in english
    assert "only in Norwegian" not in english
    norwegian = client.get(f"/kalender/{release}").text
    assert REASON_NB in norwegian and REASON_EN not in norwegian
    feed = client.get("/feeds/changes.atom?lang=en").text
    assert REASON_EN.replace("'", "&#x27;") in feed or REASON_EN in feed
    assert REASON_NB not in feed
    assert client.get(f"/api/v1/releases/{release}").json["changes"][-1]["reason_text_en"] == (
        REASON_EN
    )


def test_justification_cancellation_and_access_in_both_languages_from_the_forms(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    """The producer's forms ask for each text in both languages (English optional) and the pages
    show what was given: the justification and access purpose in English, the cancellation's
    reason in Norwegian only."""
    login(client, SSB_EDITOR)
    soon = clock.now() + timedelta(days=10)
    page = client.get("/min-side/kalender/ny")
    assert 'name="late_justification_en"' in page.text and 'lang="en"' in page.text
    oslo_day = (soon + timedelta(hours=1)).date().isoformat()
    created = client.post(
        "/min-side/kalender/ny",
        data={
            "csrf_token": csrf_token(page.text),
            "statistic": "kpi",
            "title_nb": "KPI, ekstra",
            "title_en": "CPI, extra",
            "kind": "new-figures",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
            "period_label_nb": "november 2026",
            "period_label_en": "November 2026",
            "precision": "exact",
            "release_date": oslo_day,
            "release_time": "08:00",
            "confirmed": "y",
            "late_justification": "Ny statistikk etter bestilling fra departementet.",
            "late_justification_en": "New statistic ordered by the ministry.",
        },
    )
    assert created.status_code == 303, created.text
    release = int(created.headers["Location"].split("?")[0].rstrip("/").split("/")[-1])
    manage = client.get(f"/min-side/kalender/{release}").text
    for name in ("reason_text_en", "purpose_en"):
        assert f'name="{name}"' in manage
    access = client.post(
        f"/min-side/kalender/{release}/tilgang",
        data={
            "csrf_token": csrf_token(manage),
            "recipient": "Finansdepartementet",
            "purpose": "Forberedelse av statsbudsjettet.",
            "purpose_en": "Preparing the state budget.",
            "hours_before": "12",
        },
    )
    assert access.status_code == 303, access.text
    english = client.get(f"/en/calendar/{release}").text
    assert lang_of(english, "New statistic ordered by the ministry.") == "en"
    assert "Ny statistikk etter bestilling" not in english
    body = client.get(f"/api/v1/releases/{release}").json
    assert body["late_justification_en"] == "New statistic ordered by the ministry."

    version = body["version"]
    manage = client.get(f"/min-side/kalender/{release}").text
    cancelled = client.post(
        f"/min-side/kalender/{release}/avlys",
        data={
            "csrf_token": csrf_token(manage),
            "version": str(version),
            "reason": "other",
            "reason_text": "Statistikken ble likevel ikke bestilt.",
            "reason_text_en": "",
        },
    )
    assert cancelled.status_code == 303, cancelled.text
    english = client.get(f"/en/calendar/{release}").text
    assert lang_of(english, "Statistikken ble likevel ikke bestilt.") == "nb"
    assert "(only in Norwegian)" in english
    assert client.get(f"/api/v1/releases/{release}").json["cancel_reason_text_en"] is None


def test_pre_release_access_purpose_is_marked_when_published(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = clock.now() + timedelta(hours=1)
    release = announce_release(app, clock.now(), at, late_justification="Prøve.")
    response = client.post(
        f"/api/v1/releases/{release}/pre-release-access",
        json={"recipient": "Norges Bank", "purpose": "Rentemøtet.", "hours_before": 2},
        headers=bearer(make_token(app, "ssb", "access")),
    )
    assert response.status_code == 201, response.text
    clock.set(at)
    english = client.get(f"/en/calendar/{release}").text
    assert lang_of(english, "Rentemøtet.") == "nb"
    assert lang_of(english, "Prøve.") == "nb"  # the late justification, Norwegian only
    assert english.count("(only in Norwegian)") == 2
    out = client.get(f"/api/v1/releases/{release}").json
    assert out["pre_release_access"] == [
        {
            "recipient": "Norges Bank",
            "purpose": "Rentemøtet.",
            "purpose_en": None,
            "hours_before": 2,
        }
    ]


def test_documentation_in_one_language_is_marked_on_the_other_languages_page(
    app: Flask, client: FlaskClient
) -> None:
    token = make_token(app, "ssb", "docs")
    docs = "/api/v1/statistics/kpi/documentation"
    only_nb = "KPI måler utviklingen i konsumprisene."
    both_en = "Prices are collected every month."
    response = client.put(
        f"{docs}/draft",
        json={
            "concepts": {
                "S.3.1": {"nb": only_nb},
                "S.3.2": {"nb": "Prisene samles inn hver måned.", "en": both_en},
            },
            "merge": True,
        },
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    published = client.post(
        f"{docs}/publish", json={"change_note": "Språk."}, headers=bearer(token)
    )
    assert published.status_code == 201, published.text
    english = client.get("/en/statistics/kpi/about").text
    assert lang_of(english, only_nb) == "nb"
    assert lang_of(english, both_en) == "en"
    assert "Only in Norwegian:" in english
    norwegian = client.get("/statistikk/kpi/om-statistikken").text
    assert lang_of(norwegian, only_nb) == "nb" and both_en not in norwegian


def test_key_figures_of_an_english_only_table_are_marked_on_norwegian_pages(
    app: Flask, client: FlaskClient
) -> None:
    source = Path(__file__).parents[1] / "pxbridge" / "data" / "pxweb" / "BE0101A1elimtot.px"
    store_table(app, client, source.read_bytes(), "kpi", table_id="BE0101A1")
    norwegian = client.get("/statistikk/kpi").text
    section = norwegian.split('class="key-figures"', 1)[1].split("</section>", 1)[0]
    assert lang_of(section, "Population") == "en"  # the figure's label, from the table
    assert lang_of(section, "Periode") == ""  # the page's own words are not marked
    assert lang_of(section, "2006") == "en"
    english = client.get("/en/statistics/kpi").text
    section = english.split('class="key-figures"', 1)[1].split("</section>", 1)[0]
    assert ' lang="' not in section
