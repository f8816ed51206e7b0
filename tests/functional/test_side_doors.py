"""Equal access has no side door (issue 16): every way a scheduled item could become public before its
release's minute, tried through every public channel that is cheap to reach.

"Om statistikken" published with a release: saving a new draft on top of it, publishing now while it
waits (the form's default), publishing another version with an earlier or a later release, moving the
release earlier and later, cancelling it. A table tied to a release: re-uploading it without a release,
with ``release=none``, with a release already out, with another release, moving and cancelling the
release. The channels: the pages (nb and en), the JSON APIs (documentation, its versions and SDMX-JSON;
PxWebApi 2.0 and the classic API), the statistic's page, search (API and page) and the sitemap. Each
item is hidden a second before its release's instant and public at it.

Cancelling a release withdraws what was tied to it: documentation published with it never goes out
(and the next working copy is built on the public version, not on it); a table tied to it stays hidden
until its producer re-uploads it with ``release=none`` or another release.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from release_calendar import service as calendar
from release_calendar.rules import Precision, Reason
from tests.conftest import SSB_EDITOR, bearer, csrf_token, login, make_token
from tests.pxbridge.conftest import API
from tests.pxbridge.conftest import px_table as px_file
from tests.release_calendar.factories import actor_for, announce_release, oslo

SECOND = timedelta(seconds=1)
# The release the scheduled text waits for, and others around it (all more than three months ahead
# of the tests' clock, 23 November 2026, so none is a late announcement).
T0, T1, T2, T3 = (oslo(2027, 3, 3, 8, 0), oslo(2027, 3, 10, 8, 0), oslo(2027, 4, 10, 8, 0),
                  oslo(2027, 5, 10, 8, 0))  # fmt: skip
SCHEDULED = "Tindrekvartsmetoden"  # a word only the scheduled text holds


# Calendar writes, as the producer (SSB) makes them; in an app context, as in a request, so that the
# commit updates the search index.


def _announce(app: Flask, clock: FixedClock, at: datetime, statistic: str = "kpi") -> int:
    late = "Test." if at - clock.now() < timedelta(days=92) else None
    return announce_release(app, clock.now(), at, statistic=statistic, late_justification=late)


def _move(app: Flask, clock: FixedClock, release_id: int, to: datetime) -> None:
    reason = Reason.READY_EARLY if to < _release_at(app, release_id) else Reason.LATE_DATA
    with app.app_context(), get_database(app).sessions() as s:
        change = calendar.DateChange(to, Precision.EXACT, reason, "Flyttet i testen.")
        calendar.reschedule(
            s, actor_for(s, "ssb"), release_id, change, expected_version=None, now=clock.now()
        )
        s.commit()


def _cancel(app: Flask, clock: FixedClock, release_id: int) -> None:
    with app.app_context(), get_database(app).sessions() as s:
        calendar.cancel(
            s,
            actor_for(s, "ssb"),
            release_id,
            Reason.CAPACITY,
            "Avlyst i testen.",
            expected_version=None,
            now=clock.now(),
        )
        s.commit()


def _before(to: datetime) -> list[datetime]:
    """The instants to check after a release at T1 moved to ``to``: a second before ``to`` and, when it
    was postponed, the old minute and the second after it."""
    return sorted({to - SECOND} | ({T1 - SECOND, T1, T1 + SECOND} if to > T1 else set()))


def _release_at(app: Flask, release_id: int) -> datetime:
    from release_calendar.models import Release

    with get_database(app).sessions() as s:
        found = s.get(Release, release_id)
        assert found is not None
        return found.release_at


# "Om statistikken"


def _docs(slug: str) -> str:
    return f"/api/v1/statistics/{slug}/documentation"


def _put(client: FlaskClient, token: Any, slug: str, text: str, **body: Any) -> None:
    response = client.put(
        f"{_docs(slug)}/draft",
        json={"concepts": {"S.3.1": {"nb": text, "en": text}}, "merge": True, **body},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text


def _publish(
    client: FlaskClient, token: Any, slug: str, release: int | None = None, note: str = "Endret."
) -> Any:
    body: dict[str, Any] = {"change_note": note}
    if release is not None:
        body["with_release"] = release
    return client.post(f"{_docs(slug)}/publish", json=body, headers=bearer(token))


def _documentation_shows(public: FlaskClient, slug: str, word: str) -> dict[str, bool]:
    """Where ``word`` is public now: each page and answer, every public version, search."""
    text = {
        "page nb": f"/statistikk/{slug}/om-statistikken",
        "page en": f"/en/statistics/{slug}/about",
        "changes page": f"/statistikk/{slug}/om-statistikken/endringer",
        "changes page en": f"/en/statistics/{slug}/about/changes",
        "api": _docs(slug),
        "api versions": f"{_docs(slug)}/versions",
        "sdmx-json": f"{_docs(slug)}/sdmx-json",
    }
    seen = {name: word in public.get(path).get_data(as_text=True) for name, path in text.items()}
    numbers = [v["number"] for v in public.get(f"{_docs(slug)}/versions").json["items"]]
    seen["any public version"] = any(
        word in public.get(f"{_docs(slug)}?version={n}").get_data(as_text=True) for n in numbers
    )
    hits = public.get(f"/api/v1/search?q={word}").json["hits"]
    seen["search api"] = any(h["kind"] == "about" for h in hits)
    seen["search page"] = f"/statistikk/{slug}/om-statistikken" in public.get(f"/sok?q={word}").text
    return seen


def _hidden(seen: dict[str, bool]) -> None:
    assert not any(seen.values()), {k for k, v in seen.items() if v}


def _public(seen: dict[str, bool]) -> None:
    assert all(seen.values()), {k for k, v in seen.items() if not v}


def _form(html: str) -> dict[str, str]:
    """The publish form's hidden fields (its CSRF token and the draft version it was opened on) and a
    change note, which publishing requires."""
    found = re.search(r'name="draft_version" value="(\d+)"', html)
    assert found
    return {
        "csrf_token": csrf_token(html),
        "draft_version": found.group(1),
        "change_note": "Endret.",
    }


@pytest.fixture
def public(app: Flask) -> FlaskClient:
    """An anonymous visitor, beside the producer's own client."""
    return app.test_client()


@pytest.fixture
def scheduled(app: Flask, client: FlaskClient, clock: FixedClock) -> dict[str, Any]:
    """KPI's documentation: version 1 public now, version 2 (holding SCHEDULED) published with a
    release at T1."""
    token = make_token(app, "ssb")
    _put(client, token, "kpi", "KPI måler prisutviklingen.")
    assert _publish(client, token, "kpi").status_code == 201
    release = _announce(app, clock, T1)
    _put(client, token, "kpi", f"Fra mars: {SCHEDULED}.")
    waiting = _publish(client, token, "kpi", release, note=f"Ny metode ({SCHEDULED})")
    assert waiting.status_code == 201, waiting.text
    return {"token": token, "release": release}


def test_a_new_draft_and_publishing_now_do_not_carry_scheduled_text_out(
    app: Flask, client: FlaskClient, public: FlaskClient, clock: FixedClock, scheduled: dict
) -> None:
    token, release = scheduled["token"], scheduled["release"]
    _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    # The working copy is built on the waiting version (private to the producer), so a typo fix
    # saved on it holds the scheduled text.
    _put(client, token, "kpi", f"Fra mars: {SCHEDULED} (rettet).")
    assert SCHEDULED in client.get(f"{_docs('kpi')}/draft", headers=bearer(token)).text
    _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    # Publishing it now is refused: through the API ...
    refused = _publish(client, token, "kpi")
    assert refused.status_code == 409, refused.text
    assert f"with_release={release}" in refused.json["detail"]
    # ... and through the form, whose default is no longer "now", in the page's language.
    login(client, SSB_EDITOR)
    for page, action, says, release_title in (
        (
            "/min-side/statistikk/kpi/dokumentasjon",
            "/min-side/statistikk/kpi/dokumentasjon/publiser",
            "Publiserer du nå, blir den teksten offentlig før publiseringen",
            "«Konsumprisindeksen, februar 2027»",
        ),
        (
            "/en/my-page/statistics/kpi/documentation",
            "/en/my-page/statistics/kpi/documentation/publish",
            "Publishing now would make that text public before the release",
            "“Consumer price index, February 2027”",
        ),
    ):
        form = client.get(page)
        assert 'option value=""' not in form.text  # "Nå"/"Now" is not offered
        assert f'<option value="{release}" selected>' in form.text
        posted = client.post(action, data={**_form(form.text), "with_release": ""})
        assert posted.status_code == 409 and says in posted.text, posted.text
        assert release_title in posted.text
    _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    # With the same release it goes out with the version it builds on, at that minute.
    assert _publish(client, token, "kpi", release).status_code == 201
    clock.set(T1 - SECOND)
    _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    clock.set(T1)
    _public(_documentation_shows(public, "kpi", SCHEDULED))
    assert public.get(_docs("kpi")).json["number"] == 3  # the corrected text


def test_another_version_cannot_overtake_a_waiting_one(
    app: Flask, client: FlaskClient, public: FlaskClient, clock: FixedClock, scheduled: dict
) -> None:
    token = scheduled["token"]
    earlier, later = _announce(app, clock, T0), _announce(app, clock, T2)
    _put(client, token, "kpi", f"Fra mars: {SCHEDULED}. Fra april: mer.")
    overtaking = _publish(client, token, "kpi", earlier)
    assert overtaking.status_code == 409, overtaking.text
    assert _publish(client, token, "kpi", later).status_code == 201  # version 3, at T2
    # The first release is postponed past the second: version 3 carries version 2's text, so it
    # waits for it too, and nothing goes out at T2.
    _move(app, clock, scheduled["release"], T3)
    clock.set(T2 + SECOND)
    _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    assert public.get(_docs("kpi")).json["number"] == 1
    clock.set(T3 - SECOND)
    _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    clock.set(T3)
    _public(_documentation_shows(public, "kpi", SCHEDULED))
    assert public.get(_docs("kpi")).json["number"] == 3


@pytest.mark.parametrize("to", [T0, T2], ids=["earlier", "later"])
def test_documentation_moves_with_its_release(
    app: Flask, public: FlaskClient, clock: FixedClock, scheduled: dict, to: datetime
) -> None:
    _move(app, clock, scheduled["release"], to)
    for moment in _before(to):
        clock.set(moment)
        _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    for moment in (to, max(to, T1) + SECOND):
        clock.set(moment)
        _public(_documentation_shows(public, "kpi", SCHEDULED))


def test_a_cancelled_release_takes_its_documentation_along(
    app: Flask, client: FlaskClient, public: FlaskClient, clock: FixedClock, scheduled: dict
) -> None:
    token, release = scheduled["token"], scheduled["release"]
    # A draft saved on top of the waiting version before the release is cancelled ...
    _put(client, token, "kpi", f"Fra mars: {SCHEDULED} (rettet).")
    _cancel(app, clock, release)
    # ... cannot be published now (its text was to go out with the cancelled release),
    assert _publish(client, token, "kpi").status_code == 409
    login(client, SSB_EDITOR)
    form = client.get("/min-side/statistikk/kpi/dokumentasjon")
    posted = client.post(
        "/min-side/statistikk/kpi/dokumentasjon/publiser",
        data={**_form(form.text), "with_release": ""},
    )
    assert posted.status_code == 409 and "Den publiseringen er avlyst" in posted.text
    for moment in (T1 - SECOND, T1, T1 + timedelta(days=30)):
        clock.set(moment)
        _hidden(_documentation_shows(public, "kpi", SCHEDULED))
    assert [v["number"] for v in public.get(f"{_docs('kpi')}/versions").json["items"]] == [1]


def test_after_a_cancellation_the_working_copy_is_the_public_text(
    app: Flask, client: FlaskClient, public: FlaskClient, clock: FixedClock
) -> None:
    token = make_token(app, "ssb")
    _put(client, token, "folkemengde", "Folketallet per 1. januar.")
    assert _publish(client, token, "folkemengde").status_code == 201
    release = _announce(app, clock, T1, "folkemengde")
    _put(client, token, "folkemengde", f"Ny metode: {SCHEDULED}.")
    assert _publish(client, token, "folkemengde", release).status_code == 201
    _cancel(app, clock, release)
    draft = client.get(f"{_docs('folkemengde')}/draft", headers=bearer(token)).json
    assert draft["based_on"] == 1 and SCHEDULED not in str(draft)
    _put(client, token, "folkemengde", "Folketallet per 1. januar (rettet).")
    assert _publish(client, token, "folkemengde").status_code == 201
    for moment in (clock.now(), T1, T1 + timedelta(days=1)):
        clock.set(moment)
        _hidden(_documentation_shows(public, "folkemengde", SCHEDULED))


# Tables


def _upload(
    client: FlaskClient, token: Any, matrix: str, title: str, release: object = None
) -> Any:
    query = f"statistic=folkemengde&table_id={matrix}"
    if release is not None:
        query += f"&release={release}"
    return client.post(
        f"/api/v1/tables?{query}",
        data=px_file(matrix, title),
        content_type="application/octet-stream",
        headers=bearer(token),
    )


def _table_shows(public: FlaskClient, table_id: str, word: str) -> dict[str, bool]:
    """Where table ``table_id`` (titled with ``word``) is public now."""
    listed = public.get(f"{API}/tables?query={table_id}").json["tables"]
    return {
        "pxwebapi": public.get(f"{API}/tables/{table_id}").status_code == 200,
        "pxwebapi data": public.get(f"{API}/tables/{table_id}/data").status_code == 200,
        "pxwebapi list": any(t["id"] == table_id for t in listed),
        "classic api": public.get(f"/api/v0/no/table/{table_id}").status_code == 200,
        "page nb": public.get(f"/tabeller/{table_id}").status_code == 200,
        "page en": public.get(f"/en/tables/{table_id}").status_code == 200,
        "statistic page": f"/tabeller/{table_id}" in public.get("/statistikk/folkemengde").text,
        "search api": any(
            h["id"] == f"table:{table_id}"
            for h in public.get(f"/api/v1/search?q={word}").json["hits"]
        ),
        "search page": f"/tabeller/{table_id}" in public.get(f"/sok?q={word}").text,
        "sitemap": f"/tabeller/{table_id}" in public.get("/sitemap-tables-1.xml").text,
        # the whole table as a file, and the catalogue that lists the files (issue 21)
        "whole file": public.get(f"/tabeller/{table_id}/filer/siste.csv").status_code == 302,
        "catalogue": f"/tabeller/{table_id}#dataset" in public.get("/catalog.nt").text,
    }


def test_a_table_keeps_its_release_through_re_uploads(
    app: Flask, client: FlaskClient, public: FlaskClient, clock: FixedClock
) -> None:
    token = make_token(app, "ssb")
    out = _announce(app, clock, clock.now() + timedelta(hours=1), "folkemengde")
    first, second = (
        _announce(app, clock, T1, "folkemengde"),
        _announce(app, clock, T2, "folkemengde"),
    )
    clock.advance(timedelta(hours=2))  # the first release is out
    assert _upload(client, token, "99101", "Tindrebefolkning", first).status_code == 201
    _hidden(_table_shows(public, "99101", "Tindrebefolkning"))
    # Without a release, a re-upload keeps the one the table is tied to.
    again = _upload(client, token, "99101", "Tindrebefolkning")
    assert again.status_code == 201 and again.json["release"] == first
    _hidden(_table_shows(public, "99101", "Tindrebefolkning"))
    # Making it public now is refused: no release, or one already out.
    for release in ("none", out):
        refused = _upload(client, token, "99101", "Tindrebefolkning", release)
        assert refused.status_code == 409, refused.text
        assert f"release={first}" in refused.json["detail"]
    _hidden(_table_shows(public, "99101", "Tindrebefolkning"))
    # Another coming release: it goes out with that one, not with the first.
    moved = _upload(client, token, "99101", "Tindrebefolkning", second)
    assert moved.status_code == 201 and moved.json["release"] == second
    clock.set(T1 + SECOND)
    _hidden(_table_shows(public, "99101", "Tindrebefolkning"))
    clock.set(T2 - SECOND)
    _hidden(_table_shows(public, "99101", "Tindrebefolkning"))
    clock.set(T2)
    _public(_table_shows(public, "99101", "Tindrebefolkning"))
    # Once out, a re-upload without a release keeps the release (already out): still public.
    assert _upload(client, token, "99101", "Tindrebefolkning").json["release"] == second
    _public(_table_shows(public, "99101", "Tindrebefolkning"))


@pytest.mark.parametrize("to", [T0, T2], ids=["earlier", "later"])
def test_a_table_moves_with_its_release(
    app: Flask, client: FlaskClient, public: FlaskClient, clock: FixedClock, to: datetime
) -> None:
    token = make_token(app, "ssb")
    release = _announce(app, clock, T1, "folkemengde")
    assert _upload(client, token, "99102", "Glimmerbefolkning", release).status_code == 201
    _move(app, clock, release, to)
    for moment in _before(to):
        clock.set(moment)
        _hidden(_table_shows(public, "99102", "Glimmerbefolkning"))
    for moment in (to, max(to, T1) + SECOND):
        clock.set(moment)
        _public(_table_shows(public, "99102", "Glimmerbefolkning"))


def test_a_cancelled_release_keeps_its_table_hidden_until_the_producer_says_otherwise(
    app: Flask, client: FlaskClient, public: FlaskClient, clock: FixedClock
) -> None:
    token = make_token(app, "ssb")
    release = _announce(app, clock, T1, "folkemengde")
    assert _upload(client, token, "99103", "Skimrebefolkning", release).status_code == 201
    _cancel(app, clock, release)
    for moment in (T1 - SECOND, T1, T1 + timedelta(days=30)):
        clock.set(moment)
        _hidden(_table_shows(public, "99103", "Skimrebefolkning"))
    # A re-upload keeps the cancelled release: still hidden.
    assert _upload(client, token, "99103", "Skimrebefolkning").json["release"] == release
    _hidden(_table_shows(public, "99103", "Skimrebefolkning"))
    # The producer's explicit word publishes it (nothing waits for a coming release any more).
    untied = _upload(client, token, "99103", "Skimrebefolkning", "none")
    assert untied.status_code == 201 and untied.json["release"] is None
    _public(_table_shows(public, "99103", "Skimrebefolkning"))
