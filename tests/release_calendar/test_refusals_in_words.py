"""Every refusal a producer or the public meets in the release calendar is told in the page's language
(issue 20): at the field it names (aria-invalid) and in the error summary, with the input kept and nothing
changed; never a JSON pointer, an internal code or library wording on a Norwegian page. The API keeps its
English ``detail`` unless ``Accept-Language`` asks for Norwegian."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.kernel.clock import FixedClock
from portal.kernel.i18n import translate
from release_calendar.models import Release
from release_calendar.rules import Kind
from tests.conftest import SSB_EDITOR, bearer, csrf_token, login, make_token
from tests.refusals import assert_reads_norwegian, error_summary, message_at_field, problem
from tests.release_calendar.factories import releases_in_each_state

LANGS = ("nb", "en")


def assert_at_field(html: str, field_id: str, message: str) -> None:
    """``message`` at the field (its error paragraph, aria-invalid) and linked from the summary."""
    assert message in message_at_field(html, field_id), (field_id, message, html[:6000])
    assert f'<a href="#{field_id}">{message}' in error_summary(html)


def assert_in_summary(html: str, message: str) -> None:
    assert message in error_summary(html), html[:6000]


@dataclass(frozen=True)
class Snapshot:
    releases: tuple[tuple[object, ...], ...]
    audit: int


def snapshot(app: Flask) -> Snapshot:
    """Everything a refused write might have changed: every release's state and the audit log."""
    with get_database(app).sessions() as s:
        rows = s.scalars(select(Release).order_by(Release.id)).all()
        releases = tuple(
            (
                r.id,
                r.version,
                r.state,
                r.release_at,
                r.late_justification,
                len(r.changes),
                len(r.corrections),
                len(r.pre_release_access),
            )
            for r in rows
        )
        audit = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return Snapshot(releases, audit)


@pytest.fixture
def ids(app: Flask, clock: FixedClock) -> dict[str, int]:
    return releases_in_each_state(app, clock)


def _page(lang: str, release_id: int) -> str:
    return (
        f"/min-side/kalender/{release_id}" if lang == "nb" else f"/en/my-page/calendar/{release_id}"
    )


ACTION_PATHS = {
    "confirm": ("bekreft", "confirm"),
    "move": ("flytt", "move"),
    "cancel": ("avlys", "cancel"),
    "correction": ("rettelse", "correction"),
    "access": ("tilgang", "access"),
}


def _post(
    client: FlaskClient, lang: str, release_id: int, action: str, data: dict[str, str]
) -> tuple[int, str]:
    page = _page(lang, release_id)
    token = csrf_token(client.get(page).text)
    nb, en = ACTION_PATHS[action]
    response = client.post(
        f"{page}/{nb if lang == 'nb' else en}", data={**data, "csrf_token": token}
    )
    return response.status_code, response.text


def _say(key: str, lang: str, **values: object) -> str:
    return translate(key, lang, **values)


# -- The announce form ------------------------------------------------------------------------------


def _announcement(**changes: str) -> dict[str, str]:
    return {
        "statistic": "kpi",
        "title_nb": "KPI desember",
        "title_en": "CPI December",
        "kind": "new-figures",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "period_label_nb": "november 2026",
        "period_label_en": "November 2026",
        "precision": "exact",
        "release_date": "2027-01-12",
        "release_time": "08:00",
        "confirmed": "y",
        **changes,
    }


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("changes", "field_id", "key"),
    [
        ({}, "late_justification", "ann.late"),
        ({"release_date": "2020-01-10"}, "release_date", "ann.past"),
        ({"period_end": "2026-10-01"}, "period_end", "ann.period_order"),
        ({"release_time": "kl. 8"}, "release_time", "cal.bad_time"),
    ],
)
def test_announce_refusals_at_the_field(
    client: FlaskClient,
    app: Flask,
    ids: dict[str, int],
    lang: str,
    changes: dict[str, str],
    field_id: str,
    key: str,
) -> None:
    login(client, SSB_EDITOR)
    path = "/min-side/kalender/ny" if lang == "nb" else "/en/my-page/calendar/new"
    before = snapshot(app)
    data = {**_announcement(**changes), "csrf_token": csrf_token(client.get(path).text)}
    response = client.post(path, data=data)
    html = response.text
    assert response.status_code == 400 and snapshot(app) == before
    assert_at_field(html, field_id, _say(key, lang))
    assert 'value="KPI desember"' in html
    if lang == "nb":
        assert_reads_norwegian(html)
    else:
        assert "Publiseringstidspunktet" not in html


# -- The release's manage page ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_confirming_in_the_past_or_late_without_a_justification(
    client: FlaskClient, app: Flask, ids: dict[str, int], lang: str
) -> None:
    login(client, SSB_EDITOR)
    before = snapshot(app)
    release = ids["provisional"]
    past = {"version": "1", "release_date": "2020-01-10", "release_time": "08:00"}
    status, html = _post(client, lang, release, "confirm", past)
    assert status == 400 and snapshot(app) == before
    assert_at_field(html, "confirm-release_date", _say("ann.past", lang))
    assert 'value="2020-01-10"' in html
    if lang == "nb":
        assert "Publiseringstidspunktet må være fram i tid." in html
        assert_reads_norwegian(html)

    late = {"version": "1", "release_date": "2027-01-12", "release_time": "09:30"}
    status, html = _post(client, lang, release, "confirm", late)
    assert status == 400 and snapshot(app) == before
    assert_at_field(html, "confirm-late_justification", _say("ann.late", lang))
    assert 'value="2027-01-12"' in html and 'value="09:30"' in html
    if lang == "nb":
        assert "Publiseringen er mindre enn tre måneder fram i tid." in html
        assert_reads_norwegian(html)


@pytest.mark.parametrize("lang", LANGS)
def test_moving_to_the_past_to_the_same_date_or_from_a_stale_page(
    client: FlaskClient, app: Flask, ids: dict[str, int], lang: str
) -> None:
    login(client, SSB_EDITOR)
    before = snapshot(app)
    release = ids["confirmed"]
    move = {"version": "1", "release_time": "08:00", "reason": "late-data", "reason_text": "Min."}
    for day, key in (("2020-01-10", "ann.past"), ("2027-06-10", "rel.unchanged")):
        status, html = _post(client, lang, release, "move", {**move, "release_date": day})
        assert status == 400 and snapshot(app) == before
        assert_at_field(html, "move-release_date", _say(key, lang))
        assert "Min.</textarea>" in html
        if lang == "nb":
            assert_reads_norwegian(html)

    stale = {**move, "version": "7", "release_date": "2027-06-17"}
    status, html = _post(client, lang, release, "move", stale)
    assert status == 409 and snapshot(app) == before
    assert_in_summary(html, _say("rel.stale", lang, id=release, version=1, yours=7))
    assert "Min.</textarea>" in html
    if lang == "nb":
        assert_reads_norwegian(html)


@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_without_a_reason_or_from_a_stale_page(
    client: FlaskClient, app: Flask, ids: dict[str, int], lang: str
) -> None:
    login(client, SSB_EDITOR)
    before = snapshot(app)
    release = ids["confirmed"]
    blank = {"version": "1", "reason": "capacity", "reason_text": "   "}
    status, html = _post(client, lang, release, "cancel", blank)
    assert status == 400 and snapshot(app) == before
    required = "Dette feltet er påkrevd." if lang == "nb" else "This field is required."
    assert_at_field(html, "cancel-reason_text", required)
    if lang == "nb":
        assert_reads_norwegian(html)

    stale = {"version": "3", "reason": "capacity", "reason_text": "Ingen folk."}
    status, html = _post(client, lang, release, "cancel", stale)
    assert status == 409 and snapshot(app) == before
    assert_in_summary(html, _say("rel.stale", lang, id=release, version=1, yours=3))
    assert "Ingen folk.</textarea>" in html
    if lang == "nb":
        assert_reads_norwegian(html)


@pytest.mark.parametrize("lang", LANGS)
def test_a_correction_before_release_or_without_what_changed(
    client: FlaskClient, app: Flask, ids: dict[str, int], lang: str
) -> None:
    login(client, SSB_EDITOR)
    before = snapshot(app)
    notice = {
        "what_was_wrong_nb": "Feil tall.",
        "what_was_wrong_en": "Wrong figures.",
        "what_changed_nb": "Rettet.",
        "what_changed_en": "Fixed.",
    }
    status, html = _post(client, lang, ids["confirmed"], "correction", notice)
    assert status == 409 and snapshot(app) == before
    assert_in_summary(html, _say("rel.not_published", lang))
    if lang == "nb":
        assert_reads_norwegian(html)

    status, html = _post(
        client, lang, ids["published"], "correction", {**notice, "what_changed_nb": ""}
    )
    assert status == 400 and snapshot(app) == before
    required = "Dette feltet er påkrevd." if lang == "nb" else "This field is required."
    assert_at_field(html, "correction-what_changed_nb", required)
    assert "Feil tall.</textarea>" in html
    if lang == "nb":
        assert_reads_norwegian(html)


@pytest.mark.parametrize("lang", LANGS)
def test_access_with_hours_out_of_range_or_on_a_cancelled_release(
    client: FlaskClient, app: Flask, ids: dict[str, int], lang: str
) -> None:
    login(client, SSB_EDITOR)
    before = snapshot(app)
    access = {"recipient": "Finansdepartementet", "purpose": "Budsjett", "hours_before": "400"}
    status, html = _post(client, lang, ids["confirmed"], "access", access)
    assert status == 400 and snapshot(app) == before
    between = (
        "Tall må være mellom 1 og 336." if lang == "nb" else "Number must be between 1 and 336."
    )
    assert_at_field(html, "access-hours_before", between)
    assert 'value="Finansdepartementet"' in html
    if lang == "nb":
        assert_reads_norwegian(html)

    cancel = {"version": "1", "reason": "capacity", "reason_text": "Ingen folk."}
    assert _post(client, lang, ids["confirmed"], "cancel", cancel)[0] == 303
    cancelled = snapshot(app)
    status, html = _post(client, lang, ids["confirmed"], "access", {**access, "hours_before": "8"})
    assert status == 409 and snapshot(app) == cancelled
    assert_in_summary(html, _say("rel.cancelled", lang))
    if lang == "nb":
        assert_reads_norwegian(html)


# -- The public calendar's filters ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("query", "field_id", "key", "values"),
    [
        ("from=2027-99-01", "c-from", "cal.bad.not_date", {"value": "2027-99-01"}),
        ("to=15.03.2027", "c-to", "cal.bad.not_date", {"value": "15.03.2027"}),
        ("from=2027-03-15&to=2027-03-01", "c-to", "cal.bad.to_before_from", {}),
        ("kind=nope", "c-kind", "cal.bad.choose", {"choices": ", ".join(k.value for k in Kind)}),
        ("q=" + "x" * 201, "c-q", "cal.bad.q_field", {}),
    ],
)
def test_a_filter_the_calendar_cannot_read_is_named_at_the_filter(
    client: FlaskClient, lang: str, query: str, field_id: str, key: str, values: dict[str, str]
) -> None:
    path = "/kalender" if lang == "nb" else "/en/calendar"
    response = client.get(f"{path}?{query}")
    html = response.text
    assert response.status_code == 400
    assert_at_field(html, field_id, _say(key, lang, **values))
    if lang == "nb":
        assert_reads_norwegian(html)


@pytest.mark.parametrize("lang", LANGS)
def test_a_calendar_view_or_day_it_cannot_read_is_told_in_the_summary(
    client: FlaskClient, lang: str
) -> None:
    path = "/kalender" if lang == "nb" else "/en/calendar"
    for query, key in (("view=year", "cal.bad.view"), ("view=day&date=i-morgen", "cal.bad.date")):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert_in_summary(response.text, _say(key, lang))
        if lang == "nb":
            assert_reads_norwegian(response.text)


def test_the_error_pages_of_the_feeds_and_indicators_read_norwegian(client: FlaskClient) -> None:
    bad_year = client.get("/kalender/indikatorer?year=i-fjor")
    assert bad_year.status_code == 400 and "Året må være et årstall" in bad_year.text
    assert_reads_norwegian(bad_year.text)
    english = client.get("/en/calendar/indicators?year=i-fjor")
    assert english.status_code == 400 and "year must be a year like 2026." in english.text
    bad_feed = client.get("/feeds/releases.atom?lang=se")
    assert bad_feed.status_code == 400
    bad_paging = client.get("/kalender?page=to")
    assert bad_paging.status_code == 400 and "hele tall" in bad_paging.text
    assert_reads_norwegian(bad_paging.text)


# -- The API ----------------------------------------------------------------------------------------


def test_the_api_answers_a_late_announcement_in_english_or_in_norwegian(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    body = {
        "statistic": "kpi",
        "title_nb": "KPI desember",
        "title_en": "CPI December",
        "kind": "new-figures",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "period_label_nb": "november 2026",
        "period_label_en": "November 2026",
        "release_at": "2026-12-10T08:00:00+01:00",
    }
    before = snapshot(app)
    english = client.post("/api/v1/releases", json=body, headers=bearer(token))
    norwegian = client.post(
        "/api/v1/releases", json=body, headers={**bearer(token), "Accept-Language": "nb"}
    )
    assert english.status_code == norwegian.status_code == 400 and snapshot(app) == before
    en, nb = problem(english), problem(norwegian)
    assert en["detail"] == (
        "The release is less than three months away. Write a justification – it is shown "
        "publicly with the release."
    )
    assert nb["detail"].startswith("Publiseringen er mindre enn tre måneder fram i tid.")
    assert "K11" not in en["detail"] and "K11" not in nb["detail"]
    assert en["title"] == nb["title"] == "Bad Request"
    assert en["type"] == nb["type"] and en["type"].endswith("#problem-invalid-input")
    assert [e["pointer"] for e in en["errors"]] == ["/late_justification"]
    assert nb["errors"][0]["detail"] == translate("ann.late", "nb")

    past = client.post(
        "/api/v1/releases",
        json={**body, "release_at": "2020-01-10T08:00:00+01:00"},
        headers={**bearer(token), "Accept-Language": "nb, en;q=0.5"},
    )
    assert past.status_code == 400
    assert problem(past)["detail"] == "Publiseringstidspunktet må være fram i tid."
    assert problem(past)["errors"] == [
        {"pointer": "/release_at", "detail": "Publiseringstidspunktet må være fram i tid."}
    ]
    past_en = client.post(
        "/api/v1/releases",
        json={**body, "release_at": "2020-01-10T08:00:00+01:00"},
        headers=bearer(token),
    )
    assert problem(past_en)["detail"] == "A release time must be in the future."
