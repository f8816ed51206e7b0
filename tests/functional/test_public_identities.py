"""Public pages and API answers name the producer, never the person or the token that made a change
(issue 16: "Om statistikken" change pages and the documentation API showed an editor's e-mail address
or ``token spt_…``). Who did it stays in the audit log, for administrators.

Changes are made both ways a producer can make them, by an editor logged in on the pages and by an API
token; then every public page and answer about documentation versions, code-list versions and the
calendar's change history is read, in both languages, looking for any user's e-mail address, any part
of a token (its ``spt_`` prefix, its name) and the audit log's labels.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.kernel.clock import FixedClock
from tests.conftest import PORTAL_ADMIN, SSB_EDITOR, bearer, csrf_token, login, make_token
from tests.release_calendar.factories import oslo

TOKEN_NAME = "Tindresystemet"
CSV = "code,parentCode,level,name\n1,,1,Not\n11,1,2,Snurpenot\n2,,1,Trål\n"


def _release(client: FlaskClient, token: Any, at: str, late: str | None = None) -> dict[str, Any]:
    body = {
        "statistic": "kpi",
        "title_nb": "Konsumprisindeksen, mars 2027",
        "title_en": "Consumer price index, March 2027",
        "kind": "new-figures",
        "period_start": "2027-03-01",
        "period_end": "2027-03-31",
        "period_label_nb": "mars 2027",
        "period_label_en": "March 2027",
        "release_at": at,
        "release_note_nb": "KPI steg.",
        "late_justification": late,
    }
    made = client.post("/api/v1/releases", json=body, headers=bearer(token))
    assert made.status_code == 201, made.text
    return made.json  # type: ignore[no-any-return]


def _changes_by_hand_and_by_token(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> dict[str, Any]:
    """Documentation versions, a code-list version and release history, made by an SSB token, a
    Fiskeridirektoratet token and SSB's editor on the pages."""
    token = make_token(app, "ssb", TOKEN_NAME)
    docs = "/api/v1/statistics/kpi/documentation"
    draft = {"concepts": {"S.3.1": {"nb": "KPI måler priser.", "en": "The CPI."}}}
    assert client.put(f"{docs}/draft", json=draft, headers=bearer(token)).status_code == 200
    assert (
        client.post(
            f"{docs}/publish", json={"change_note": "Første."}, headers=bearer(token)
        ).status_code
        == 201
    )
    # Version 2 by the editor, through the pages.
    login(client, SSB_EDITOR)
    page = client.get("/min-side/statistikk/kpi/dokumentasjon?seksjon=definisjoner")
    version = re.search(r'name="draft_version" value="(\d+)"', page.text)
    assert version
    saved = client.post(
        "/min-side/statistikk/kpi/dokumentasjon?seksjon=definisjoner",
        data={
            "csrf_token": csrf_token(page.text),
            "draft_version": version.group(1),
            "S.3.4__nb": "Varer og tjenester.",
        },
    )
    assert saved.status_code == 303, saved.text
    page = client.get("/min-side/statistikk/kpi/dokumentasjon")
    published = client.post(
        "/min-side/statistikk/kpi/dokumentasjon/publiser",
        data={
            "csrf_token": csrf_token(page.text),
            "draft_version": re.findall(r'name="draft_version" value="(\d+)"', page.text)[-1],
            "change_note": "Definisjoner.",
        },
    )
    assert published.status_code == 303, published.text
    client.get("/logg-ut")
    # A code list of Fiskeridirektoratet, made and published by its token.
    fisk = make_token(app, "fiskeridir", TOKEN_NAME + " fisk")
    made = client.post(
        "/api/v1/code-lists",
        headers=bearer(fisk),
        json={"producer": "fiskeridir", "name_nb": "Redskapsgrupper", "name_en": "Gear groups"},
    )
    list_id = made.json["id"]
    first = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2020-01-01",
        data=CSV,
        content_type="text/csv",
        headers=bearer(fisk),
    )
    assert first.status_code == 201, first.text
    assert (
        client.post(
            f"/api/v1/code-lists/{list_id}/versions/{first.json['id']}/publish",
            headers=bearer(fisk),
        ).status_code
        == 200
    )
    # Releases: one announced, moved and corrected after it went out; one cancelled.
    moved = _release(client, token, "2027-03-10T08:00:00+01:00")
    out = client.post(
        f"/api/v1/releases/{moved['id']}/reschedule",
        json={
            "version": moved["version"],
            "release_at": "2027-03-12T08:00:00+01:00",
            "reason": "late-data",
            "reason_text": "Sene data.",
        },
        headers=bearer(token),
    )
    assert out.status_code == 200, out.text
    cancelled = _release(client, token, "2027-04-10T08:00:00+02:00")
    assert (
        client.post(
            f"/api/v1/releases/{cancelled['id']}/cancel",
            json={"version": cancelled["version"], "reason": "capacity", "reason_text": "Nei."},
            headers=bearer(token),
        ).status_code
        == 200
    )
    clock.set(oslo(2027, 3, 12, 9, 0))
    corrected = client.post(
        f"/api/v1/releases/{moved['id']}/corrections",
        json={
            "what_was_wrong_nb": "Feil tall.",
            "what_was_wrong_en": "Wrong figures.",
            "what_changed_nb": "Rettet.",
            "what_changed_en": "Corrected.",
        },
        headers=bearer(token),
    )
    assert corrected.status_code == 201, corrected.text
    clock.advance(timedelta(minutes=1))
    return {
        "releases": (moved["id"], cancelled["id"]),
        "code_list": list_id,
        "secrets": (token.secret, fisk.secret),
    }


def _public_answers(public: FlaskClient, made: dict[str, Any]) -> dict[str, str]:
    docs = "/api/v1/statistics/kpi/documentation"
    list_id = made["code_list"]
    paths = [
        "/statistikk/kpi/om-statistikken",
        "/en/statistics/kpi/about",
        "/statistikk/kpi/om-statistikken/endringer",
        "/statistikk/kpi/om-statistikken/endringer?from=1&to=2",
        "/en/statistics/kpi/about/changes",
        docs,
        f"{docs}?version=1",
        f"{docs}/versions",
        f"{docs}/sdmx-json",
        f"{docs}/diff?from=1&to=2",
        f"/klassifikasjoner/{list_id}",
        f"/en/classifications/{list_id}",
        f"/klassifikasjoner/{list_id}/endringer",
        f"/api/klass/v1/classifications/{list_id}",
        f"/api/klass/v1/classifications/{list_id}/codesAt?date=2024-06-01",
        "/kalender/endringer",
        "/en/calendar/changes",
        "/api/v1/releases/changes",
        "/feeds/changes.atom",
        "/feeds/releases.ics",
        "/api/v1/search?q=kpi",
    ]
    for release_id in made["releases"]:
        paths += [f"/kalender/{release_id}", f"/en/calendar/{release_id}"]
        paths.append(f"/api/v1/releases/{release_id}")
    klass = public.get(f"/api/klass/v1/classifications/{list_id}").json
    versions = _version_links(klass)
    assert versions, klass  # the code list's published version, read through the Klass API too
    paths += [link["href"] for link in versions]
    answers = {}
    for path in paths:
        response = public.get(path)
        assert response.status_code == 200, (path, response.status_code)
        answers[path] = response.get_data(as_text=True)
    return answers


def _version_links(klass: dict[str, Any]) -> list[dict[str, str]]:
    return [v["_links"]["self"] for v in klass.get("versions", []) if "_links" in v]


def test_public_answers_name_the_producer_not_who_pressed_the_button(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    made = _changes_by_hand_and_by_token(app, client, clock)
    with get_database(app).sessions() as s:
        emails = set(s.scalars(select(User.email)))
        labels = {label for label in s.scalars(select(AuditEntry.actor_label)) if label}
    assert SSB_EDITOR[0] in emails and any(label.startswith("token spt_") for label in labels)
    forbidden = {*emails, *labels, "spt_", TOKEN_NAME, *(secret[:12] for secret in made["secrets"])}
    public = app.test_client()
    for path, text in _public_answers(public, made).items():
        leaked = {needle for needle in forbidden if needle in text}
        assert not leaked, (path, leaked)
    versions = public.get("/api/v1/statistics/kpi/documentation/versions").json["items"]
    assert {v["published_by"] for v in versions} == {"Statistisk sentralbyrå"}
    assert (
        "av Statistisk sentralbyrå" in public.get("/statistikk/kpi/om-statistikken/endringer").text
    )
    assert "by Statistics Norway" in public.get("/en/statistics/kpi/about/changes").text


def test_the_audit_log_keeps_who_published(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    _changes_by_hand_and_by_token(app, client, clock)
    login(client, PORTAL_ADMIN)
    log = client.get("/min-side/admin/logg?type=documentation")
    assert log.status_code == 200, log.status_code
    # In words (issue 20): the user by name, the token by its name.
    with get_database(app).sessions() as s:
        editor = s.scalar(select(User.name).where(User.email == SSB_EDITOR[0]))
    assert editor and editor in log.text and f"«{TOKEN_NAME}»" in log.text
