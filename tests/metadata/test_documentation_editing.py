""" "Om statistikken" editing that keeps the text as written (issue 20): a browser's CRLF line breaks
change nothing nobody touched, a change note is required to publish, and moving between sections saves
the section's edits without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from metadata.sims import service
from metadata.sims.models import DocumentationDraft, DocumentationVersion
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.programme.models import Statistic
from tests.conftest import SSB_EDITOR, bearer, login, make_token

DOCS = "/api/v1/statistics/kpi/documentation"
PAGE = "/min-side/statistikk/kpi/dokumentasjon"
PAGE_EN = "/en/my-page/statistics/kpi/documentation"
PUBLISH = f"{PAGE}/publiser"
PUBLISH_EN = "/en/my-page/statistics/kpi/documentation/publish"
#: Texts of the section "Definisjoner" as an API client sends them: LF line breaks, one concept in
#: nynorsk only, one marked not relevant.
WRITTEN = {
    "S.3.4": {"nb": "Konsumvarer.\nTjenester.\n\nBoliger.", "en": "Goods.\nServices."},
    "S.3.5": {"nn": "Hushald.\nVerksemder."},
    "S.5": {"not_relevant": True},
}


class _Form(HTMLParser):
    """The fields of one form as a browser submits them (textareas, checked boxes, hidden inputs), with
    a textarea's line breaks sent as CRLF, as the HTML standard's form encoding does."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.textarea = action, False, ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("action") or "").split("?")[0] == self.action
        elif self.inside and tag == "textarea":
            self.textarea = a["name"] or ""
            self.fields[self.textarea] = ""
        elif self.inside and tag == "input" and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields[a["name"] or ""] = a.get("value") or "on"

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            value = self.fields[self.textarea].replace("\r\n", "\n")
            self.fields[self.textarea] = value.replace("\n", "\r\n")
            self.textarea = ""
        elif tag == "form":
            self.inside = False


def _browser_form(html: str, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def _publish_first_version(client: FlaskClient, app: Flask) -> Any:
    token = make_token(app, "ssb")
    saved = client.put(f"{DOCS}/draft", json={"concepts": WRITTEN}, headers=bearer(token))
    assert saved.status_code == 200, saved.json
    first = client.post(f"{DOCS}/publish", json={"change_note": "Første"}, headers=bearer(token))
    assert first.status_code == 201, first.json
    return token


def test_a_browser_post_with_crlf_changes_only_what_the_editor_changed(
    client: FlaskClient, app: Flask, clock: FixedClock
) -> None:
    _publish_first_version(client, app)
    clock.advance(timedelta(hours=1))
    login(client, SSB_EDITOR)
    page = client.get(f"{PAGE}?seksjon=definisjoner")
    form = _browser_form(page.text, PAGE)
    assert (
        form["S.3.4__nb"] == "Konsumvarer.\r\nTjenester.\r\n\r\nBoliger."
    )  # as a browser sends it
    assert form["S.3.5__nb"] == "Hushald.\r\nVerksemder."  # the nynorsk text, in the Norwegian box
    form["S.3.2__nb"] = "Endret begrep.\r\nAndre linje."
    saved = client.post(f"{PAGE}?seksjon=definisjoner", data=form)
    assert saved.status_code == 303, saved.text
    draft = client.get(f"{DOCS}/draft", headers=bearer(make_token(app, "ssb"))).json["concepts"]
    assert draft["S.3.2"]["nb"] == "Endret begrep.\nAndre linje."
    assert draft["S.3.5"] == {**draft["S.3.5"], "nb": "", "nn": "Hushald.\nVerksemder."}
    publish = _browser_form(client.get(f"{PAGE}?seksjon=definisjoner").text, PUBLISH)
    published = client.post(PUBLISH, data={**publish, "change_note": "Nytt begrep.\r\n"})
    assert published.status_code == 303, published.text
    changes = client.get(f"{DOCS}/diff?from=1&to=2").json["changes"]
    assert [c["code"] for c in changes] == ["S.3.2"]
    assert client.get(f"{DOCS}/versions").json["items"][0]["change_note"] == "Nytt begrep."
    with get_database(app).sessions() as s:
        stored = s.scalars(select(DocumentationVersion).where(DocumentationVersion.number == 2))
        assert "\r" not in repr(stored.one().content)
    shown = client.get("/statistikk/kpi/om-statistikken/endringer?from=1&to=2").text
    assert "S.3.2" in shown and "S.3.4" not in shown and "S.3.5" not in shown


def test_a_draft_saved_with_crlf_before_issue_20_equals_its_version(
    client: FlaskClient, app: Flask, clock: FixedClock
) -> None:
    token = _publish_first_version(client, app)
    with get_database(app).sessions() as s:
        kpi = s.scalars(select(Statistic).where(Statistic.slug == "kpi")).one()
        crlf = {
            code: {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in c.items()}
            for code, c in service.entries_json(service.parse_entries(WRITTEN)).items()
        }
        s.add(
            DocumentationDraft(
                statistic_id=kpi.id,
                content=crlf,
                based_on=1,
                updated_at=clock.now(),
                updated_by="nettleser",
            )
        )
        s.commit()
    draft = client.get(f"{DOCS}/draft", headers=bearer(token)).json
    assert draft["concepts"]["S.3.4"]["nb"] == WRITTEN["S.3.4"]["nb"]
    refused = client.post(f"{DOCS}/publish", json={"change_note": "Ingen"}, headers=bearer(token))
    assert refused.status_code == 409, refused.json  # the same text: nothing to publish
    assert [v["number"] for v in client.get(f"{DOCS}/versions").json["items"]] == [1]
    before = service.parse_entries(WRITTEN)
    after = {code: service.Entry(**{**vars(e), "nb": e.nb + "\r\n"}) for code, e in before.items()}
    assert service.diff(before, after) == []


@pytest.mark.parametrize(
    ("page", "action", "says", "not_said"),
    [
        (PAGE, PUBLISH, "Skriv hva som er endret siden forrige versjon.", "Say what"),
        (PAGE_EN, PUBLISH_EN, "Say what has changed since the last version.", "Skriv hva"),
    ],
)
def test_publishing_without_a_change_note_is_refused_at_the_field(
    client: FlaskClient, app: Flask, page: str, action: str, says: str, not_said: str
) -> None:
    token = make_token(app, "ssb")
    assert (
        client.put(f"{DOCS}/draft", json={"concepts": WRITTEN}, headers=bearer(token)).status_code
        == 200
    )
    login(client, SSB_EDITOR)
    form = _browser_form(client.get(page).text, action)
    refused = client.post(action, data={**form, "change_note": " \r\n "})
    assert refused.status_code == 400
    html = refused.text
    summary = html[html.index('class="alert error error-summary"') : html.index("<h1>")]
    assert f'<a href="#change_note">{says}</a>' in summary
    field = re.search(r'<textarea id="change_note"[^>]*>', html)
    assert field and 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="change_note-hint change_note-error"' in field.group(0)
    assert 'id="change_note-error"' in html and html.count(says) == 2
    assert not_said not in html and "change_note:" not in html and "/change_note" not in html
    assert client.get(DOCS).json["number"] is None  # nothing published
    assert client.get(f"{DOCS}/versions").json["items"] == []
    kept = client.post(action, data={**form, "with_release": "", "change_note": ""})
    assert kept.status_code == 400
    # With a note it goes out, and the banner says so and links to the version.
    done = client.post(action, data={**form, "change_note": "Første versjon."})
    assert done.status_code == 303
    banner = client.get(done.headers["Location"]).text
    assert "/statistikk/kpi/om-statistikken?versjon=1" in banner or "about?versjon=1" in banner
    assert client.get(DOCS).json["number"] == 1


def test_the_api_refuses_a_publication_without_a_note(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    assert (
        client.put(f"{DOCS}/draft", json={"concepts": WRITTEN}, headers=bearer(token)).status_code
        == 200
    )
    for body in ({}, {"change_note": ""}, {"change_note": "\r\n  \n"}):
        refused = client.post(f"{DOCS}/publish", json=body, headers=bearer(token))
        assert refused.status_code == 400, body
        assert refused.json["errors"] == [{"pointer": "/change_note", "detail": "required"}]
    assert client.get(f"{DOCS}/versions").json["items"] == []


def test_moving_to_another_section_saves_the_edit_first(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    login(client, SSB_EDITOR)
    form = _browser_form(client.get(f"{PAGE}?seksjon=definisjoner").text, PAGE)
    # A move with nothing changed saves nothing: no draft appears.
    moved = client.post(f"{PAGE}?seksjon=definisjoner", data={**form, "til_seksjon": "bakgrunn"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("seksjon=bakgrunn")
    assert client.get(f"{DOCS}/draft", headers=bearer(token)).json["draft_version"] == 0
    form["S.3.4__nb"] = "Skrevet før jeg byttet fane."
    moved = client.post(f"{PAGE}?seksjon=definisjoner", data={**form, "til_seksjon": "bakgrunn"})
    assert moved.status_code == 303
    assert "seksjon=bakgrunn" in moved.headers["Location"]
    draft = client.get(f"{DOCS}/draft", headers=bearer(token)).json
    assert draft["concepts"]["S.3.4"]["nb"] == "Skrevet før jeg byttet fane."
    assert draft["draft_version"] == 1
    landed = client.get(moved.headers["Location"]).text
    assert "Endringene i «Definisjoner» er lagret i utkastet." in landed
    assert "Tilbake til «Definisjoner»" in landed and "seksjon=definisjoner" in landed
    assert '<strong aria-current="page">Bakgrunn</strong>' in landed
    back = client.get(f"{PAGE}?seksjon=definisjoner").text
    assert "Skrevet før jeg byttet fane." in back


def test_a_refused_move_stays_on_the_section_with_the_text_and_a_norwegian_message(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    login(client, SSB_EDITOR)
    form = _browser_form(client.get(f"{PAGE}?seksjon=definisjoner").text, PAGE)
    long = "x" * (service.MAX_TEXT + 1)
    form.update({"S.3.4__nb": "Beholdes.", "S.3.2__en": long})
    refused = client.post(f"{PAGE}?seksjon=definisjoner", data={**form, "til_seksjon": "bakgrunn"})
    assert refused.status_code == 400
    html = refused.text
    message = f"Teksten kan ha høyst {service.MAX_TEXT} tegn. Gjør den kortere."
    assert f'<a href="#S.3.2__en">{message}</a>' in html
    assert re.search(r'<textarea id="S\.3\.2__en"[^>]*aria-invalid="true"', html)
    assert "Beholdes." in html and long in html  # the input kept
    assert 'data-unsaved="dirty"' in html  # with JavaScript, leaving asks first
    assert "longer than" not in html and "/concepts/" not in html
    assert client.get(f"{DOCS}/draft", headers=bearer(token)).json["draft_version"] == 0


def test_garbled_hidden_fields_are_refused_and_publish_nothing(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    assert (
        client.put(f"{DOCS}/draft", json={"concepts": WRITTEN}, headers=bearer(token)).status_code
        == 200
    )
    login(client, SSB_EDITOR)
    form = {**_browser_form(client.get(PAGE).text, PUBLISH), "change_note": "Endret."}
    for release in ("neste", "²"):
        refused = client.post(PUBLISH, data={**form, "with_release": release})
        assert refused.status_code == 400
        assert '<a href="#with_release">Velg en av statistikkens kommende' in refused.text
    stale = client.post(PUBLISH, data={**form, "draft_version": "x"})
    assert stale.status_code == 409 and "Utkastet er endret etter at du åpnet siden" in stale.text
    assert client.get(f"{DOCS}/versions").json["items"] == []
    page = _browser_form(client.get(f"{PAGE}?seksjon=definisjoner").text, PAGE)
    page["S.3.2__nb"] = "Ny tekst."
    garbled = client.post(f"{PAGE}?seksjon=definisjoner", data={**page, "draft_version": "¹"})
    assert garbled.status_code == 409 and "Noen andre lagret dokumentasjonen" in garbled.text
    assert client.get("/statistikk/kpi/om-statistikken?versjon=²").status_code == 200


def test_a_concept_in_two_fields_of_a_section_is_one_box() -> None:
    from metadata.sims import editing, scheme

    section = scheme.section("bakgrunn")
    assert section is not None
    shown = [code for _, codes in editing._layout(section) for code in codes]
    assert len(shown) == len(set(shown)) and {"S.12.1", "S.6.1"} <= set(shown)
