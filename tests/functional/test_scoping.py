"""Producer scoping of every write, on pages and in the API: 401 without credentials, 403 for another
producer, success for the owner. A walker makes sure no write route escapes this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import ApiToken
from portal.http.db import get_database
from portal.programme.models import Statistic
from tests.conftest import (
    FHI_ADMIN,
    NAV_EDITOR,
    SSB_ADMIN,
    SSB_EDITOR,
    bearer,
    csrf_token,
    login,
    make_token,
)
from tests.release_calendar.factories import releases_in_each_state

# Writes that are not about a producer's data, and why they need no producer check.
UNSCOPED_WRITES = {
    ("web.login", "POST"): "anyone may try to log in (rate-limited)",
    ("web.logout", "POST"): "ends only the caller's own session",
    # PxWeb's APIs read data by POST (the selection is the body); they write nothing.
    ("pxwebapi.data", "POST"): "a read",
    ("pxweb_classic.data", "POST"): "a read",
    ("pxwebapi.create_saved_query", "POST"): "anyone may save a selection of a public table, as in "
    "PxWeb (rate-limited, 64 KB at most)",
    # The same from the table page's form (CSRF), on the way to the alert form (test_alerts.py).
    ("tables.alert_on_selection", "POST"): "a saved query, as above",
    (
        "web.set_password",
        "POST",
    ): "the one-time link is the credential; it sets only its own user's password",
    # Alerts by e-mail (issue 22), tested in tests/functional/test_alert_pages.py: no account; the signed
    # link sent to the address is the credential, and it acts only on that address's subscriptions.
    (
        "alerts.subscribe",
        "POST",
    ): "anyone may ask for alerts (rate-limited); nothing is sent but the "
    "confirmation before the address's owner confirms",
    ("alerts.confirm", "POST"): "the signed confirmation link is the credential",
    ("alerts.manage", "POST"): "the signed manage link is the credential",
    (
        "alerts.unsubscribe",
        "POST",
    ): "the signed unsubscribe link is the credential (RFC 8058 one-click)",
}

NEW_STATISTIC = {
    "slug": "testlonn",
    "producer": "ssb",
    "name_nb": "Testlønn",
    "name_en": "Test earnings",
    "frequency": "annual",
    "subject_areas": ["arbeid-og-lonn"],
}


@dataclass(frozen=True)
class ApiWrite:
    method: str
    path: str
    body: dict[str, object] | list[dict[str, object]]


NEW_RELEASE = {
    "statistic": "kpi",
    "title_nb": "KPI mars 2027",
    "title_en": "CPI March 2027",
    "kind": "new-figures",
    "period_start": "2027-03-01",
    "period_end": "2027-03-31",
    "period_label_nb": "mars 2027",
    "period_label_en": "March 2027",
    "release_at": "2027-04-10T08:00:00+02:00",
}
API_WRITES = {
    ("api_v1.create_statistic", "POST"): ApiWrite("POST", "/api/v1/statistics", NEW_STATISTIC),
    ("api_v1.update_statistic", "PATCH"): ApiWrite(
        "PATCH", "/api/v1/statistics/kpi", {"name_en": "Consumer price index (CPI)"}
    ),
    ("calendar_api.announce_release", "POST"): ApiWrite("POST", "/api/v1/releases", NEW_RELEASE),
    ("calendar_api.update_release", "PATCH"): ApiWrite(
        "PATCH", "/api/v1/releases/{confirmed}", {"version": 1, "title_en": "CPI"}
    ),
    ("calendar_api.confirm_release", "POST"): ApiWrite(
        "POST",
        "/api/v1/releases/{provisional}/confirm",
        {"version": 1, "release_at": "2027-09-09T08:00:00+02:00"},
    ),
    ("calendar_api.reschedule_release", "POST"): ApiWrite(
        "POST",
        "/api/v1/releases/{confirmed}/reschedule",
        {
            "version": 1,
            "release_at": "2027-06-17T08:00:00+02:00",
            "reason": "late-data",
            "reason_text": "Sene data.",
        },
    ),
    ("calendar_api.cancel_release", "POST"): ApiWrite(
        "POST",
        "/api/v1/releases/{confirmed}/cancel",
        {"version": 1, "reason": "capacity", "reason_text": "Mangler folk."},
    ),
    ("calendar_api.correct_release", "POST"): ApiWrite(
        "POST",
        "/api/v1/releases/{published}/corrections",
        {
            "what_was_wrong_nb": "Feil",
            "what_was_wrong_en": "Wrong",
            "what_changed_nb": "Rettet",
            "what_changed_en": "Fixed",
        },
    ),
    ("calendar_api.import_schedule", "POST"): ApiWrite(
        "POST", "/api/v1/releases/schedule", [NEW_RELEASE]
    ),
    ("calendar_api.disclose_access", "POST"): ApiWrite(
        "POST",
        "/api/v1/releases/{confirmed}/pre-release-access",
        {"recipient": "Finansdepartementet", "purpose": "Kvalitetssikring", "hours_before": 16},
    ),
}


@pytest.fixture
def releases(app: Flask, clock) -> dict[str, int]:
    """An SSB release in each state the writes need: provisional, confirmed, published."""
    return releases_in_each_state(app, clock)


def _path(write: ApiWrite, releases: dict[str, int]) -> str:
    return write.path.format(**releases)


PAGE_WRITES = {
    ("web.edit_statistic", "POST"),
    ("web.create_token", "POST"),
    ("web.revoke_token", "POST"),
}
# The calendar's producer pages; tests/release_calendar/test_manage.py checks each for 401 and 403.
CALENDAR_PAGE_WRITES = {
    ("release_calendar.announce", "POST"),
    ("release_calendar.confirm_release", "POST"),
    ("release_calendar.move_release", "POST"),
    ("release_calendar.cancel_release", "POST"),
    ("release_calendar.correct_release", "POST"),
    ("release_calendar.disclose_access", "POST"),
    ("release_calendar.upload", "POST"),
    ("release_calendar.rule_schedule", "POST"),
}
# "Om statistikken"; tests/metadata/test_documentation.py checks each for 401 and 403.
DOCUMENTATION_WRITES = {
    ("documentation_api.put_draft", "PUT"),
    ("documentation_api.publish", "POST"),
    ("documentation_api.confirm_review", "POST"),
    ("documentation_api.import_many", "POST"),
    ("metadata.edit", "POST"),
    ("metadata.publish", "POST"),
    ("metadata.reviewed", "POST"),
}
# Table uploads; tests/pxbridge/test_tables_access.py checks them for 401, 403 and 409.
TABLE_WRITES = {("table_api.upload_table", "POST")}
# Tables in the browser; tests/pxbridge/test_table_upload_page.py checks each for 401, 403 (another
# producer's statistic) and 404 (another user's staged file).
TABLE_PAGE_WRITES = {
    ("tables.upload_page", "POST"),
    ("tables.upload_preview", "POST"),
    ("tables.upload_cancel", "POST"),
}
# Code lists on a table's variables; tests/pxbridge/test_codelists.py checks them for 401, 403 and 409.
TABLE_CODELIST_WRITES = {
    ("table_api.put_table_codelist", "PUT"),
    ("table_api.delete_table_codelist", "DELETE"),
}
# The registry's producer pages; tests/metadata/test_codelist_pages.py checks each for 401 and 403.
REGISTRY_PAGE_WRITES = {
    ("metadata.my_code_lists", "POST"),
    ("metadata.upload_version", "POST"),
    ("metadata.save_item", "POST"),
    ("metadata.add_variant", "POST"),
    ("metadata.add_table", "POST"),
    ("metadata.publish_draft", "POST"),
}
# The registry's producer API; tests/metadata/test_codelist_editing.py checks each for 401 and 403.
CODELIST_WRITES = {
    ("codelist_api.create_code_list", "POST"),
    ("codelist_api.add_version", "POST"),
    ("codelist_api.publish_version", "POST"),
    ("codelist_api.put_item", "PUT"),
    ("codelist_api.delete_item", "DELETE"),
    ("codelist_api.define_variant", "POST"),
    ("codelist_api.publish_variant", "POST"),
    ("codelist_api.define_correspondence", "POST"),
    ("codelist_api.publish_correspondence", "POST"),
}


# Administration, pages and API; tests/portal/test_admin.py checks every route of both for 401
# (anonymous) and 403 (an editor and a producer's token), and producer administrators' scoping.
ADMIN_WRITES = {
    ("web.synonyms_admin", "POST"),
    ("web.producers", "POST"),
    ("web.producer_admin", "POST"),
    ("web.producer_status", "POST"),
    ("web.subject_areas", "POST"),
    ("web.subject_area_admin", "POST"),
    ("web.statistic_status", "POST"),
    ("web.users", "POST"),
    ("web.user_admin", "POST"),
    ("web.tokens", "POST"),
    ("web.admin_revoke_token", "POST"),
    ("admin_api.admin_create_producer", "POST"),
    ("admin_api.admin_update_producer", "PATCH"),
    ("admin_api.admin_create_subject_area", "POST"),
    ("admin_api.admin_update_subject_area", "PATCH"),
    ("admin_api.admin_statistic_status", "PUT"),
    ("admin_api.admin_invite_user", "POST"),
    ("admin_api.admin_update_user", "PATCH"),
    ("admin_api.admin_reset_password", "POST"),
    ("admin_api.admin_delete_token", "DELETE"),
}

# Webhooks (issue 22): any token registers its producer's own; tests/portal/test_webhooks.py checks each
# for 401 (no token) and 403 (another producer's webhook).
WEBHOOK_WRITES = {
    ("webhooks_api.create_webhook", "POST"),
    ("webhooks_api.delete_webhook", "DELETE"),
}


def test_every_write_route_is_covered(app: Flask) -> None:
    writes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
    }
    assert writes == (
        set(API_WRITES)
        | PAGE_WRITES
        | CALENDAR_PAGE_WRITES
        | DOCUMENTATION_WRITES
        | CODELIST_WRITES
        | REGISTRY_PAGE_WRITES
        | TABLE_WRITES
        | TABLE_PAGE_WRITES
        | TABLE_CODELIST_WRITES
        | ADMIN_WRITES
        | WEBHOOK_WRITES
        | set(UNSCOPED_WRITES)
    )


def _audit_count(app: Flask) -> int:
    from portal.kernel.audit import AuditEntry

    return _count(app, AuditEntry)


def _count(app: Flask, model: type) -> int:
    with get_database(app).sessions() as s:
        return len(s.scalars(select(model)).all())


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_without_token_is_401(
    client: FlaskClient, app: Flask, key: tuple[str, str], releases: dict[str, int]
) -> None:
    write = API_WRITES[key]
    before = _count(app, Statistic)
    response = client.open(_path(write, releases), method=write.method, json=write.body)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _count(app, Statistic) == before


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_with_session_cookie_but_no_token_is_401(
    client: FlaskClient, key: tuple[str, str], releases: dict[str, int]
) -> None:
    login(client, SSB_EDITOR)
    write = API_WRITES[key]
    response = client.open(_path(write, releases), method=write.method, json=write.body)
    assert response.status_code == 401


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_with_another_producers_token_is_403(
    client: FlaskClient, app: Flask, key: tuple[str, str], releases: dict[str, int]
) -> None:
    write = API_WRITES[key]
    token = make_token(app, "nav")
    before = _audit_count(app)
    response = client.open(
        _path(write, releases), method=write.method, json=write.body, headers=bearer(token)
    )
    assert _audit_count(app) == before
    assert response.status_code == 403
    assert response.json["title"] == "Forbidden"
    with get_database(app).sessions() as s:
        kpi = s.scalar(select(Statistic).where(Statistic.slug == "kpi"))
        assert kpi.name_en == "Consumer price index"
        assert s.scalar(select(Statistic).where(Statistic.slug == "testlonn")) is None


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_api_write_with_own_token_succeeds(
    client: FlaskClient, app: Flask, key: tuple[str, str], releases: dict[str, int]
) -> None:
    write = API_WRITES[key]
    token = make_token(app, "ssb")
    response = client.open(
        _path(write, releases), method=write.method, json=write.body, headers=bearer(token)
    )
    assert response.status_code in {200, 201}, response.text


def test_revoked_token_is_401(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    with get_database(app).sessions() as s:
        s.get(ApiToken, token.id).revoked_at = s.get(ApiToken, token.id).created_at
        s.commit()
    response = client.patch("/api/v1/statistics/kpi", json={"name_en": "X"}, headers=bearer(token))
    assert response.status_code == 401


def _edit_form(client: FlaskClient, slug: str) -> dict[str, object]:
    page = client.get(f"/min-side/statistikk/{slug}")
    assert page.status_code == 200
    return {
        "csrf_token": csrf_token(page.text),
        "version": "1",
        "name_nb": "Konsumprisindeksen",
        "name_en": "Consumer price index",
        "description_nb": "Endret.",
        "description_en": "Changed.",
        "frequency": "monthly",
        "subject_areas": ["priser-og-prisindekser"],
        "is_official": "y",
    }


def test_page_edit_without_session_is_401(client: FlaskClient) -> None:
    token = csrf_token(client.get("/logg-inn").text)
    response = client.post("/min-side/statistikk/kpi", data={"csrf_token": token, "name_nb": "X"})
    assert response.status_code == 401
    assert "logg-inn" in response.text


def test_page_edit_by_another_producers_user_is_403(client: FlaskClient, app: Flask) -> None:
    login(client, NAV_EDITOR)
    assert client.get("/min-side/statistikk/kpi").status_code == 403
    token = csrf_token(client.get("/min-side").text)
    response = client.post(
        "/min-side/statistikk/kpi",
        data={
            "csrf_token": token,
            "version": "1",
            "name_nb": "Kapret",
            "name_en": "Hijacked",
            "frequency": "monthly",
            "subject_areas": ["befolkning"],
        },
    )
    assert response.status_code == 403
    with get_database(app).sessions() as s:
        assert (
            s.scalar(select(Statistic.name_nb).where(Statistic.slug == "kpi"))
            == "Konsumprisindeksen"
        )


def test_page_edit_by_owner_succeeds(client: FlaskClient, app: Flask) -> None:
    login(client, SSB_EDITOR)
    response = client.post("/min-side/statistikk/kpi", data=_edit_form(client, "kpi"))
    assert response.status_code == 303
    with get_database(app).sessions() as s:
        assert (
            s.scalar(select(Statistic.description_en).where(Statistic.slug == "kpi")) == "Changed."
        )


def _token_post(client: FlaskClient) -> int:
    token = csrf_token(client.get("/min-side").text)
    return client.post(
        "/min-side/nokler", data={"csrf_token": token, "name": "release system"}
    ).status_code


def test_token_creation_needs_a_session_and_the_admin_role(client: FlaskClient) -> None:
    anonymous_csrf = csrf_token(client.get("/logg-inn").text)
    assert (
        client.post(
            "/min-side/nokler", data={"csrf_token": anonymous_csrf, "name": "x"}
        ).status_code
        == 401
    )
    login(client, SSB_EDITOR)
    assert _token_post(client) == 403
    login(client, SSB_ADMIN)
    assert _token_post(client) == 201


def test_revoking_another_producers_token_is_403(client: FlaskClient, app: Flask) -> None:
    ssb_token = make_token(app, "ssb")
    anonymous_csrf = csrf_token(client.get("/logg-inn").text)
    path = f"/min-side/nokler/{ssb_token.id}/trekk-tilbake"
    assert client.post(path, data={"csrf_token": anonymous_csrf}).status_code == 401
    login(client, FHI_ADMIN)
    assert (
        client.post(path, data={"csrf_token": csrf_token(client.get("/min-side").text)}).status_code
        == 403
    )
    login(client, SSB_ADMIN)
    assert (
        client.post(path, data={"csrf_token": csrf_token(client.get("/min-side").text)}).status_code
        == 303
    )
    with get_database(app).sessions() as s:
        assert s.get(ApiToken, ssb_token.id).revoked_at is not None


def test_page_forms_refuse_a_missing_csrf_token(client: FlaskClient, app: Flask) -> None:
    login(client, SSB_EDITOR)
    form = _edit_form(client, "kpi")
    del form["csrf_token"]
    response = client.post("/min-side/statistikk/kpi", data=form)
    assert response.status_code == 400
    # Told in the page's language, without library wording ("The CSRF token is missing.").
    assert "Skjemaet var utløpt eller kom ikke fra denne siden" in response.text
    assert "CSRF" not in response.text
    with get_database(app).sessions() as s:
        assert (
            s.scalar(select(Statistic.description_en).where(Statistic.slug == "kpi")) != "Changed."
        )


Check = Callable[[FlaskClient], None]
