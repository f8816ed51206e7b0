"""The producers' API-token page (issue 20): make a token in the browser (named, for a producer the user
may choose), see its secret once, revoke it; errors the GOV.UK way, in the page's language."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.models import ApiToken, User
from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from tests.conftest import PORTAL_ADMIN, SSB_ADMIN, SSB_EDITOR, csrf_token, login

# Wording a producer must never meet on an nb page: WTForms' and Flask-WTF's English, internal codes.
ENGLISH = (
    "This field is required",
    "Field must be",
    "Not a valid choice",
    "CSRF",
    "Forbidden",
    "api_token",
    "producer-admin",
)


def _tokens(app: Flask) -> int:
    with get_database(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(ApiToken)) or 0


def _make(client: FlaskClient, data: dict[str, str], page: str = "/min-side/nokler"):  # type: ignore[no-untyped-def]
    form = client.get(page)
    assert form.status_code == 200, form.text
    return client.post(page, data={**data, "csrf_token": csrf_token(form.text)})


def test_a_token_is_made_in_the_browser_and_its_secret_shown_once(
    app: Flask, client: FlaskClient
) -> None:
    login(client, SSB_ADMIN)
    made = _make(client, {"name": "  årsplan  "})
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    assert "API-nøkkelen «årsplan» er laget for SSB." in made.text
    assert "Den vises ikke igjen" in made.text
    found = re.search(r'id="new-token">([^<]+)<', made.text)
    assert found
    secret = found.group(1)
    assert secret.startswith("spt_")
    with get_database(app).sessions() as s:
        token = s.scalar(select(ApiToken).where(ApiToken.name == "årsplan"))
        assert token is not None and token.revoked_at is None
        creator = s.scalar(select(User).where(User.email == SSB_ADMIN[0]))
        assert creator is not None and token.created_by_user_id == creator.id
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "api_token")).all()
        assert entries and all(secret not in str((e.before, e.after)) for e in entries)
        creator_name = creator.name
    # The secret works, and no page shows it again: the list shows its first characters and its maker.
    answer = app.test_client().get(
        "/api/v1/statistics/kpi", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200
    for page in ("/min-side/nokler", "/min-side", "/en/my-page/tokens"):
        again = client.get(page)
        assert again.status_code == 200 and secret not in again.text, page
    listing = client.get("/min-side/nokler").text
    assert f"<code>{token.prefix}…</code>" in listing and creator_name in listing
    assert "<select" not in listing  # one producer: nothing to choose


def test_a_refused_token_form_says_what_is_wrong_by_field_and_keeps_the_input(
    app: Flask, client: FlaskClient
) -> None:
    login(client, SSB_ADMIN)
    count = _tokens(app)
    empty = _make(client, {"name": "   "})
    assert empty.status_code == 400
    summary = re.search(r'class="alert error error-summary".*?</div>', empty.text, re.S)
    assert summary and 'href="#token-name"' in summary.group(0)
    assert "Skriv et navn på nøkkelen" in summary.group(0)
    assert 'id="token-name-error"' in empty.text
    assert re.search(r'<input id="token-name"[^>]*aria-invalid="true"', empty.text)
    assert re.search(
        r'<input id="token-name"[^>]*aria-describedby="[^"]*token-name-error', empty.text
    )
    long_name = "x" * 101
    too_long = _make(client, {"name": long_name})
    assert too_long.status_code == 400
    assert "høyst 100 tegn" in too_long.text and f'value="{long_name}"' in too_long.text
    forged = client.post("/min-side/nokler", data={"name": "uten skjema", "csrf_token": "x"})
    assert forged.status_code == 400
    for page in (empty, too_long):
        for phrase in ENGLISH:
            assert phrase not in page.text, phrase
    english = _make(client, {"name": ""}, "/en/my-page/tokens")
    assert english.status_code == 400 and "Enter a name for the token" in english.text
    assert "Skriv et navn" not in english.text
    assert _tokens(app) == count


def test_a_portal_administrator_chooses_the_producer(app: Flask, client: FlaskClient) -> None:
    login(client, PORTAL_ADMIN)
    page = client.get("/min-side/nokler").text
    assert '<select id="token-producer" name="producer"' in page
    assert '<option value="nav">' in page
    count = _tokens(app)
    unchosen = _make(client, {"name": "statistikkbank"})
    assert unchosen.status_code == 400
    assert 'href="#token-producer"' in unchosen.text
    assert "Velg hvilken produsent nøkkelen skal skrive for." in unchosen.text
    assert 'value="statistikkbank"' in unchosen.text
    forged = _make(client, {"name": "statistikkbank", "producer": "ukjent"})
    assert forged.status_code == 400 and _tokens(app) == count
    made = _make(client, {"name": "statistikkbank", "producer": "nav"})
    assert made.status_code == 201 and "laget for Nav" in made.text
    with get_database(app).sessions() as s:
        token = s.scalar(select(ApiToken).where(ApiToken.name == "statistikkbank"))
        assert token is not None and token.producer is not None
        assert token.producer.slug == "nav" and token.created_by_user_id is not None


def test_revoking_a_token_confirms_it_and_links_to_it(app: Flask, client: FlaskClient) -> None:
    login(client, SSB_ADMIN)
    assert _make(client, {"name": "gammelt uttrekk"}).status_code == 201
    with get_database(app).sessions() as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.name == "gammelt uttrekk"))
    page = client.get("/min-side/nokler").text
    button = re.search(rf'id="csrf-revoke-{token_id}"[^>]*value="([^"]+)"', page)
    assert button
    done = client.post(
        f"/min-side/nokler/{token_id}/trekk-tilbake", data={"csrf_token": button.group(1)}
    )
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/min-side/nokler?trukket={token_id}")
    shown = client.get(done.headers["Location"]).text
    assert "API-nøkkelen «gammelt uttrekk» er trukket tilbake." in shown
    assert f'href="#token-row-{token_id}"' in shown and f'id="token-row-{token_id}"' in shown
    with get_database(app).sessions() as s:
        assert s.get(ApiToken, token_id).revoked_at is not None  # type: ignore[union-attr]
    forged = client.post(f"/min-side/nokler/{token_id}/trekk-tilbake", data={"csrf_token": "x"})
    assert forged.status_code == 400


def test_editors_are_told_in_their_language_who_makes_tokens(client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    nb = client.get("/min-side/nokler")
    assert nb.status_code == 403
    assert "Bare produsentadministratorer og portaladministratorer" in nb.text
    en = client.get("/en/my-page/tokens")
    assert en.status_code == 403 and "Only producer administrators" in en.text
    assert "/min-side/nokler" not in client.get("/min-side").text
