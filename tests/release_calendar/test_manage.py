"""The producers' calendar pages: every action through the browser's forms, scoped like the API."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.kernel.clock import FixedClock
from release_calendar.models import Release
from release_calendar.schedule import example_csv
from tests.conftest import NAV_EDITOR, SSB_EDITOR, csrf_token, login
from tests.release_calendar.factories import (
    releases_in_each_state,
)


@pytest.fixture
def ids(app: Flask, clock: FixedClock) -> dict[str, int]:
    return releases_in_each_state(app, clock)


def actions(ids: dict[str, int], clock: FixedClock) -> dict[str, tuple[str, dict[str, object]]]:
    return {
        "announce": (
            "/min-side/kalender/ny",
            {
                "statistic": "kpi",
                "title_nb": "KPI",
                "title_en": "CPI",
                "kind": "new-figures",
                "period_start": "2027-04-01",
                "period_end": "2027-04-30",
                "period_label_nb": "april 2027",
                "period_label_en": "April 2027",
                "precision": "exact",
                "release_date": "2027-05-10",
                "release_time": "08:00",
                "confirmed": "y",
            },
        ),
        "confirm": (
            f"/min-side/kalender/{ids['provisional']}/bekreft",
            {"version": "1", "release_date": "2027-09-09", "release_time": "08:00"},
        ),
        "move": (
            f"/min-side/kalender/{ids['confirmed']}/flytt",
            {
                "version": "1",
                "release_date": "2027-06-17",
                "release_time": "08:00",
                "reason": "late-data",
                "reason_text": "Sene data.",
            },
        ),
        "cancel": (
            f"/min-side/kalender/{ids['confirmed']}/avlys",
            {"version": "1", "reason": "capacity", "reason_text": "Ingen folk."},
        ),
        "correction": (
            f"/min-side/kalender/{ids['published']}/rettelse",
            {
                "what_was_wrong_nb": "Feil",
                "what_was_wrong_en": "Wrong",
                "what_changed_nb": "Rettet",
                "what_changed_en": "Fixed",
            },
        ),
        "access": (
            f"/min-side/kalender/{ids['confirmed']}/tilgang",
            {"recipient": "Finansdepartementet", "purpose": "Budsjett", "hours_before": "16"},
        ),
        "upload": (
            "/min-side/kalender/last-opp",
            {"schedule": (io.BytesIO(example_csv(clock.now()).encode()), "plan.csv")},
        ),
    }


def _audit(app: Flask) -> int:
    with get_database(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize(
    "action", ["announce", "confirm", "move", "cancel", "correction", "access", "upload"]
)
def test_each_action_needs_a_session_refuses_other_producers_and_works_for_the_owner(
    client: FlaskClient, app: Flask, clock: FixedClock, ids: dict[str, int], action: str
) -> None:
    path, data = actions(ids, clock)[action]
    anonymous = csrf_token(client.get("/logg-inn").text)
    assert client.post(path, data={**data, "csrf_token": anonymous}).status_code == 401
    login(client, NAV_EDITOR)
    before = _audit(app)
    path, data = actions(ids, clock)[action]
    token = csrf_token(client.get("/min-side").text)
    if action == "upload":
        response = client.post(
            path, data={**data, "csrf_token": token}, content_type="multipart/form-data"
        )
    else:
        response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 403, response.text[:500]
    assert _audit(app) == before
    login(client, SSB_EDITOR)
    path, data = actions(ids, clock)[action]
    token = csrf_token(client.get("/min-side").text)
    response = client.post(path, data={**data, "csrf_token": token})
    if action == "upload":
        assert response.status_code == 200 and "2 publiseringer varslet" in response.text
    else:
        assert response.status_code == 303, response.text[:2000]
    assert _audit(app) > before


def test_late_announcement_through_the_form_asks_for_a_justification(
    client: FlaskClient, app: Flask, clock: FixedClock
) -> None:
    login(client, SSB_EDITOR)
    page = client.get("/min-side/kalender/ny")
    assert page.status_code == 200 and "Konsumprisindeksen" in page.text
    form = {
        "csrf_token": csrf_token(page.text),
        "statistic": "kpi",
        "title_nb": "KPI",
        "title_en": "CPI",
        "kind": "new-figures",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "period_label_nb": "november 2026",
        "period_label_en": "November 2026",
        "precision": "exact",
        "release_date": "2026-12-10",
        "release_time": "08:00",
        "confirmed": "y",
    }
    refused = client.post("/min-side/kalender/ny", data=form)
    assert refused.status_code == 400 and "mindre enn tre måneder" in refused.text
    accepted = client.post("/min-side/kalender/ny", data={**form, "late_justification": "Ny."})
    assert accepted.status_code == 303
    with get_database(app).sessions() as s:
        assert s.scalar(select(Release.late_justification).order_by(Release.id.desc())) == "Ny."


def test_stale_form_gets_409_and_keeps_the_text(client: FlaskClient, clock, ids) -> None:
    login(client, SSB_EDITOR)
    token = csrf_token(client.get(f"/min-side/kalender/{ids['confirmed']}").text)
    path, data = actions(ids, clock)["move"]
    assert client.post(path, data={**data, "csrf_token": token}).status_code == 303
    second = client.post(
        path,
        data={
            **data,
            "csrf_token": token,
            "release_date": "2027-06-24",
            "reason_text": "Min tekst.",
        },
    )
    assert second.status_code == 409 and "Min tekst." in second.text


def test_manage_pages_show_own_releases_only(client: FlaskClient, ids: dict[str, int]) -> None:
    login(client, SSB_EDITOR)
    listing = client.get("/min-side/kalender")
    assert listing.status_code == 200 and f"/min-side/kalender/{ids['confirmed']}" in listing.text
    login(client, NAV_EDITOR)
    assert f"/min-side/kalender/{ids['confirmed']}" not in client.get("/min-side/kalender").text
    assert client.get(f"/min-side/kalender/{ids['confirmed']}").status_code == 403


@pytest.mark.parametrize(
    ("action", "said"),
    [
        ("confirm", "Datoen er bekreftet: 9. september 2027 kl. 08.00 norsk tid."),
        ("move", "Publiseringen er flyttet til 17. juni 2027 kl. 08.00 norsk tid."),
        ("cancel", "Publiseringen er avlyst. Den står i kalenderen med begrunnelsen."),
        ("correction", "Rettelsen er lagt til og vises på publiseringen."),
        ("access", "Tilgangen før publisering er registrert"),
    ],
)
def test_each_action_says_what_it_did(
    client: FlaskClient, clock: FixedClock, ids: dict[str, int], action: str, said: str
) -> None:
    login(client, SSB_EDITOR)
    path, data = actions(ids, clock)[action]
    token = csrf_token(client.get("/min-side").text)
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 303, response.text[:2000]
    page = client.get(response.headers["Location"]).text
    status = page.split('role="status">', 1)[1].split("</div>", 1)[0]
    assert said in status


def test_an_unknown_action_name_in_the_address_says_saved(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, SSB_EDITOR)
    page = client.get(f"/min-side/kalender/{ids['confirmed']}?done=nonsense")
    assert page.status_code == 200 and 'role="status">Lagret.</div>' in page.text
