"""Administration (issue 15): a portal set up from nothing, users and sessions, invitations, tokens, the
audit log, and 403 for everyone but administrators on every administration page and API call."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import ApiToken, User
from portal.app import create_app
from portal.demo.seed import DEMO_ACCOUNTS
from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.kernel.clock import FixedClock
from tests.conftest import (
    NAV_EDITOR,
    PORTAL_ADMIN,
    SSB_ADMIN,
    SSB_EDITOR,
    START,
    bearer,
    csrf_token,
    login,
    make_token,
)

# Its servers and commands run on their own SQLite databases: CI's PostgreSQL run leaves those out.
pytestmark = pytest.mark.own_portal


def _portal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _post_form(client: FlaskClient, page: str, data: dict[str, str], target: str | None = None):  # type: ignore[no-untyped-def]
    html = client.get(page)
    assert html.status_code == 200, html.text
    return client.post(target or page, data={**data, "csrf_token": csrf_token(html.text)})


def _invite_link(html: str) -> str:
    found = re.search(r'id="(?:invite|reset)-link">([^<]+)<', html)
    assert found, "no one-time link on the page"
    # The link is absolute (the portal's address); the test client needs its path.
    return "/" + found.group(1).split("://", 1)[-1].split("/", 1)[1]


def test_a_portal_from_nothing_without_any_demo_account(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env = {**os.environ, "PORTAL_INSTANCE_DIR": str(instance), "PORTAL_LOG_LEVEL": "WARNING"}
    env.pop("PORTAL_DATABASE_URL", None)
    assert _portal(env, "db", "upgrade").returncode == 0
    loaded = _portal(env, "programme", "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "producers: 16 added" in loaded.stdout and "statistics: 95 added" in loaded.stdout
    admin = _portal(
        env,
        "user",
        "create",
        "--email",
        "drift@example.no",
        "--name",
        "Drift",
        "--role",
        "portal-admin",
        "--password",
        "et langt drifts-passord",
    )
    assert admin.returncode == 0, admin.stderr

    clock = FixedClock(START)
    app = create_app(
        {
            "INSTANCE_DIR": str(instance),
            "SECRET_KEY": "k",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    client = app.test_client()
    login(client, ("drift@example.no", "et langt drifts-passord"))
    invited = _post_form(
        client,
        "/min-side/admin/brukere",
        {"email": "ola@nve.no", "name": "Ola Nordmann", "role": "editor", "producer": "nve"},
    )
    assert invited.status_code == 201, invited.text
    link = _invite_link(invited.text)
    client.post("/logg-ut", data={"csrf_token": csrf_token(client.get("/").text)})

    editor = app.test_client()
    set_pw = _post_form(
        editor, link, {"password": "olas eget passord", "confirm": "olas eget passord"}
    )
    assert set_pw.status_code == 303
    login(editor, ("ola@nve.no", "olas eget passord"))
    page = editor.get("/min-side/kalender/ny")
    assert page.status_code == 200
    announced = editor.post(
        "/min-side/kalender/ny",
        data={
            "csrf_token": csrf_token(page.text),
            "statistic": "nve-magasinstatistikk",
            "title_nb": "Magasinfylling uke 10",
            "title_en": "Reservoir filling week 10",
            "kind": "new-figures",
            "period_start": "2027-03-08",
            "period_end": "2027-03-14",
            "period_label_nb": "uke 10 2027",
            "period_label_en": "week 10 2027",
            "precision": "exact",
            "release_date": "2027-03-17",
            "release_time": "13:00",
            "confirmed": "y",
        },
    )
    assert announced.status_code == 303, announced.text
    assert "Magasinfylling uke 10" in editor.get("/min-side/kalender").text
    with get_database(app).sessions() as s:
        emails = set(s.scalars(select(User.email)))
    assert emails == {"drift@example.no", "ola@nve.no"}
    assert not emails & {a.email for a in DEMO_ACCOUNTS}
    # No demo banner in a portal without demo accounts.
    assert "Demokontoer er aktive" not in client.get("/").text
    get_database(app).dispose()


def test_the_demo_banner_shows_to_administrators_while_demo_accounts_exist(
    client: FlaskClient,
) -> None:
    login(client, PORTAL_ADMIN)
    assert "Demokontoer er aktive" in client.get("/").text
    assert "Demo accounts are active" in client.get("/en/").text


def test_logout_ends_the_session_on_the_server(client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    assert client.get("/min-side").status_code == 200
    kept = client.get_cookie("portal_session")
    assert kept is not None
    client.post("/logg-ut", data={"csrf_token": csrf_token(client.get("/min-side").text)})
    assert client.get("/min-side").status_code == 401
    client.set_cookie("portal_session", kept.value)  # the old cookie, replayed
    assert client.get("/min-side").status_code == 401


def test_disabling_a_user_ends_its_sessions_and_tokens_at_once(
    app: Flask, client: FlaskClient
) -> None:
    ssb_admin = app.test_client()
    login(ssb_admin, SSB_ADMIN)
    made = _post_form(ssb_admin, "/min-side", {"name": "uttrekk"}, "/min-side/nokler")
    assert made.status_code == 201
    secret = re.search(r'id="new-token">([^<]+)<', made.text)
    assert secret
    token = {"Authorization": f"Bearer {secret.group(1)}"}
    assert app.test_client().get("/api/v1/statistics/kpi", headers=token).status_code == 200

    login(client, PORTAL_ADMIN)
    with get_database(app).sessions() as s:
        user_id = s.scalar(select(User.id).where(User.email == SSB_ADMIN[0]))
    disabled = _post_form(client, f"/min-side/admin/brukere/{user_id}", {"action": "disable"})
    assert disabled.status_code == 303
    assert ssb_admin.get("/min-side").status_code == 401
    refused = app.test_client().patch(
        "/api/v1/statistics/kpi", json={"name_en": "CPI"}, headers=token
    )
    assert refused.status_code == 401
    assert app.test_client().post("/logg-inn").status_code in {400, 401}
    fresh = app.test_client()
    page = fresh.get("/logg-inn")
    again = fresh.post(
        "/logg-inn",
        data={"email": SSB_ADMIN[0], "password": SSB_ADMIN[1], "csrf_token": csrf_token(page.text)},
    )
    assert again.status_code == 401
    with get_database(app).sessions() as s:
        actions = set(
            s.execute(select(AuditEntry.action, AuditEntry.entity).where(AuditEntry.id > 0)).all()
        )
    assert ("disable", "user") in actions and ("revoke", "api_token") in actions

    enabled = _post_form(client, f"/min-side/admin/brukere/{user_id}", {"action": "enable"})
    assert enabled.status_code == 303
    login(app.test_client(), SSB_ADMIN)
    # Enabling again does not bring the revoked token back.
    assert app.test_client().get("/api/v1/statistics/kpi", headers=token).status_code == 401


def test_an_invitation_works_once_and_expires(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    login(client, SSB_ADMIN)
    first = _post_form(
        client,
        "/min-side/admin/brukere",
        {"email": "ny@ssb.no", "name": "Ny Redaktør", "role": "editor", "producer": "ssb"},
    )
    assert first.status_code == 201, first.text
    link = _invite_link(first.text)
    visitor = app.test_client()
    assert "Velg et passord for Ny Redaktør" in visitor.get(link).text
    short = _post_form(visitor, link, {"password": "kort", "confirm": "kort"})
    assert short.status_code == 400 and "12" in short.text
    assert (
        _post_form(
            visitor, link, {"password": "et godt passord", "confirm": "et godt passord"}
        ).status_code
        == 303
    )
    used = visitor.get(link)
    assert used.status_code == 404 and "allerede brukt eller utløpt" in used.text
    login(visitor, ("ny@ssb.no", "et godt passord"))

    second = _post_form(
        client,
        "/min-side/admin/brukere",
        {"email": "sen@ssb.no", "name": "Sen", "role": "editor", "producer": "ssb"},
    )
    late = _invite_link(second.text)
    clock.advance(timedelta(hours=72, seconds=1))
    assert app.test_client().get(late).status_code == 404


def test_producer_admins_manage_only_their_own_producer(app: Flask, client: FlaskClient) -> None:
    login(client, SSB_ADMIN)
    listing = client.get("/min-side/admin/brukere")
    assert SSB_EDITOR[0] in listing.text and NAV_EDITOR[0] not in listing.text
    with get_database(app).sessions() as s:
        nav_id = s.scalar(select(User.id).where(User.email == NAV_EDITOR[0]))
    assert client.get(f"/min-side/admin/brukere/{nav_id}").status_code == 403
    refused = _post_form(
        client,
        "/min-side/admin/brukere",
        {"email": "x@nav.no", "name": "X", "role": "editor", "producer": "nav"},
    )
    assert refused.status_code == 400  # nav is not among the choices of SSB's administrator
    assert client.get("/min-side/admin/produsenter").status_code == 403


ADMIN_PAGES_GET = [
    "/min-side/admin",
    "/min-side/admin/produsenter",
    "/min-side/admin/produsenter/ssb",
    "/min-side/admin/emneomrader",
    "/min-side/admin/emneomrader/befolkning",
    "/min-side/admin/statistikker",
    "/min-side/admin/brukere",
    "/min-side/admin/brukere/1",
    "/min-side/admin/nokler",
    "/min-side/admin/logg",
    "/en/my-page/admin/users",
]


def test_every_administration_page_answers_an_administrator(client: FlaskClient) -> None:
    login(client, PORTAL_ADMIN)
    for path in ADMIN_PAGES_GET:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert "Produsenter" in client.get("/min-side/admin").text
    assert "Producers" in client.get("/en/my-page/admin").text


def _admin_routes(app: Flask) -> list[tuple[str, str]]:
    """(path with sample values, method) of every administration route, pages and API."""
    samples = {"slug": "ssb", "user_id": "1", "token_id": "1"}
    found = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith(("/min-side/admin", "/api/v1/admin"))):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: samples[m.group(1)], rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((path, method))
    return found


def test_non_administrators_get_403_on_every_administration_route(
    app: Flask, client: FlaskClient
) -> None:
    routes = _admin_routes(app)
    assert len(routes) >= 25
    login(client, SSB_EDITOR)
    token = bearer(make_token(app, "ssb"))
    csrf = csrf_token(client.get("/min-side").text)
    for path, method in routes:
        if path.startswith("/api/"):
            anonymous = app.test_client().open(path, method=method, json={})
            assert anonymous.status_code == 401, (path, method, anonymous.status_code)
            answer = app.test_client().open(path, method=method, json={}, headers=token)
        else:
            answer = client.open(path, method=method, data={"csrf_token": csrf})
        assert answer.status_code == 403, (path, method, answer.status_code)


def test_the_administration_api_with_an_admin_token(app: Flask) -> None:
    from portal.accounts.service import create_token

    with get_database(app).sessions() as s:
        from portal.kernel.access import CLI_ACTOR

        secret = create_token(s, CLI_ACTOR, producer=None, name="ops", now=START).secret
        s.commit()
    api = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    created = api.post(
        "/api/v1/admin/producers",
        json={
            "slug": "testetat",
            "short_name": "TE",
            "name_nb": "Testetaten",
            "name_en": "The Test Agency",
            "website": "https://test.example.no",
            "org_number": "123456789",
        },
        headers=auth,
    )
    assert created.status_code == 201, created.text
    taken = api.post(
        "/api/v1/admin/producers",
        json={
            "slug": "testetat",
            "short_name": "TE2",
            "name_nb": "x",
            "name_en": "x",
            "website": "https://x.no",
        },
        headers=auth,
    )
    assert taken.status_code == 409
    invited = api.post(
        "/api/v1/admin/users",
        json={"email": "pia@test.no", "name": "Pia", "role": "editor", "producer": "testetat"},
        headers=auth,
    )
    assert invited.status_code == 201, invited.text
    body = invited.get_json()
    assert body["link"].startswith("http://localhost/passord/")
    retired = api.patch("/api/v1/admin/producers/testetat", json={"retired": True}, headers=auth)
    assert retired.status_code == 200 and retired.get_json()["retired_at"]
    # A retired producer keeps its public page and takes no new users.
    assert app.test_client().get("/produsenter/testetat").status_code == 200
    refused = api.post(
        "/api/v1/admin/users",
        json={"email": "per@test.no", "name": "Per", "role": "editor", "producer": "testetat"},
        headers=auth,
    )
    assert refused.status_code == 409
    users = api.get("/api/v1/admin/users?producer=testetat", headers=auth).get_json()["items"]
    assert [u["email"] for u in users] == ["pia@test.no"]
    disabled = api.patch(
        f"/api/v1/admin/users/{users[0]['id']}", json={"active": False}, headers=auth
    )
    assert disabled.status_code == 200 and disabled.get_json()["active"] is False
    tokens = api.get("/api/v1/admin/tokens", headers=auth).get_json()["items"]
    mine = next(t for t in tokens if t["name"] == "ops")
    assert mine["producer"] is None and mine["created_by"] == "command line"
    log = api.get("/api/v1/admin/audit?entity=producer&producer=testetat", headers=auth).get_json()
    assert {e["action"] for e in log["items"]} == {"create", "retire"}
    users_log = api.get("/api/v1/admin/audit?entity=user", headers=auth).get_json()["items"]
    assert {"invite", "disable"} <= {e["action"] for e in users_log}
    assert api.delete(f"/api/v1/admin/tokens/{mine['id']}", headers=auth).status_code == 204
    assert api.get("/api/v1/admin/users", headers=auth).status_code == 401


def test_every_administrative_action_is_audited(app: Flask, client: FlaskClient) -> None:
    login(client, PORTAL_ADMIN)
    with get_database(app).sessions() as s:
        before = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())) or 0
        editor_id = s.scalar(select(User.id).where(User.email == NAV_EDITOR[0]))
    steps = [
        (
            "/min-side/admin/produsenter",
            {
                "slug": "nyetat",
                "short_name": "NE",
                "name_nb": "Ny etat",
                "name_en": "New agency",
                "website": "https://ne.no",
                "org_number": "",
            },
            None,
        ),
        (
            "/min-side/admin/produsenter/nyetat",
            {
                "short_name": "NE",
                "name_nb": "Ny etat AS",
                "name_en": "New agency",
                "website": "https://ne.no",
                "org_number": "",
            },
            None,
        ),
        (
            "/min-side/admin/produsenter/nyetat",
            {"retire": "1"},
            "/min-side/admin/produsenter/nyetat/status",
        ),
        (
            "/min-side/admin/emneomrader",
            {"slug": "romfart", "name_nb": "Romfart", "name_en": "Space", "position": ""},
            None,
        ),
        ("/min-side/admin/emneomrader/romfart", {"retire": "1"}, None),
        (
            "/min-side/admin/statistikker",
            {"retire": "1"},
            "/min-side/admin/statistikker/kpi/status",
        ),
        (
            f"/min-side/admin/brukere/{editor_id}",
            {"role": "producer-admin", "producer": "nav"},
            None,
        ),
        (f"/min-side/admin/brukere/{editor_id}", {"action": "reset"}, None),
        ("/min-side/admin/nokler", {"name": "drift"}, None),
    ]
    for page, data, target in steps:
        answer = _post_form(client, page, data, target)
        assert answer.status_code in {200, 201, 303}, (page, answer.status_code, answer.text[:500])
    with get_database(app).sessions() as s:
        rows = set(
            s.execute(
                select(AuditEntry.action, AuditEntry.entity).where(AuditEntry.id > before)
            ).all()
        )
        token = s.scalar(select(ApiToken).where(ApiToken.name == "drift"))
        assert token is not None and token.producer_id is None and token.created_by_user_id
    assert rows >= {
        ("create", "producer"),
        ("update", "producer"),
        ("retire", "producer"),
        ("create", "subject_area"),
        ("retire", "subject_area"),
        ("retire", "statistic"),
        ("set-role", "user"),
        ("reset-password", "user"),
        ("create", "api_token"),
    }
    log = client.get("/min-side/admin/logg?type=producer")
    # The log names each producer by its (current) name, not its slug, and the filter holds.
    assert "opprettet produsenten «Ny etat AS»" in log.text
    assert "la ned produsenten «Ny etat AS»" in log.text
    assert "Romfart" not in log.text and "nyetat" not in log.text


def test_a_retired_producers_editor_can_read_but_not_publish(
    app: Flask, client: FlaskClient
) -> None:
    from portal.kernel.access import CLI_ACTOR
    from portal.programme.admin import set_producer_retired

    with get_database(app).sessions() as s:
        set_producer_retired(s, CLI_ACTOR, "nav", True, START)
        s.commit()
    login(client, NAV_EDITOR)
    assert client.get("/min-side").status_code == 200
    page = client.get("/min-side/kalender")
    assert page.status_code == 200
    refused = client.post(
        "/min-side/statistikk/nav-helt-ledige",
        data={"csrf_token": csrf_token(client.get("/min-side").text), "name_nb": "x"},
    )
    assert refused.status_code == 403
    token = bearer(make_token(app, "ssb"))
    assert app.test_client().get("/api/v1/producers/nav", headers=token).status_code == 200
    assert app.test_client().get("/produsenter/nav").status_code == 200


def test_the_audit_log_says_who_did_what_to_which_object_in_words(
    app: Flask, client: FlaskClient
) -> None:
    ssb = app.test_client()
    login(ssb, SSB_ADMIN)
    made = _post_form(ssb, "/min-side/nokler", {"name": "årsplan"})
    assert made.status_code == 201
    secret = re.search(r'id="new-token">([^<]+)<', made.text)
    assert secret
    with get_database(app).sessions() as s:
        token = s.scalar(select(ApiToken).where(ApiToken.name == "årsplan"))
        assert token is not None
        token_id, prefix = token.id, token.prefix
        ssb_name = s.scalar(select(User.name).where(User.email == SSB_ADMIN[0]))
    revoked = _post_form(ssb, "/min-side/nokler", {}, f"/min-side/nokler/{token_id}/trekk-tilbake")
    assert revoked.status_code == 303

    login(client, PORTAL_ADMIN)
    nb = client.get("/min-side/admin/logg?type=api_token")
    assert nb.status_code == 200
    assert f"{ssb_name} opprettet API-nøkkel «årsplan»" in nb.text
    assert f"{ssb_name} trakk tilbake API-nøkkel «årsplan»" in nb.text
    # No codes, ids, e-mail addresses or token fragments in the sentences or the filter.
    for raw in ("create api_token", "revoke api_token", SSB_ADMIN[0], prefix, secret.group(1)):
        assert raw not in nb.text, raw
    assert not re.search(r">\s*api_token\s*<", nb.text)
    assert '<option value="api_token" selected>API-nøkkel</option>' in nb.text
    en = client.get("/en/my-page/admin/audit-log?type=api_token")
    assert f"{ssb_name} created the API token “årsplan”" in en.text
    assert f"{ssb_name} revoked the API token “årsplan”" in en.text
    assert "opprettet" not in en.text

    # A write by a token is told by the token's name; one by the command line as such.
    writer = make_token(app, "ssb", name="publiseringssystem")
    changed = app.test_client().patch(
        "/api/v1/statistics/kpi", json={"name_en": "CPI"}, headers=bearer(writer)
    )
    assert changed.status_code == 200, changed.text
    words = client.get("/min-side/admin/logg?type=statistic").text
    assert "API-nøkkelen «publiseringssystem» endret statistikken «Konsumprisindeksen»" in words
    assert writer.prefix not in words
    made_by_cli = client.get("/min-side/admin/logg?type=api_token").text
    assert "Kommandolinjen opprettet API-nøkkel «publiseringssystem»" in made_by_cli
