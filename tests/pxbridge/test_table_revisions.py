"""A public table given its next revision ahead of that revision's release stays public as it was, in every
channel, until the release's minute; then the new revision is what everyone gets (issue 19). Visibility is
computed from the release time: nothing is flipped by a job."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.blueprint import get_store
from pxbridge.models import DataTable
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import px_table
from tests.release_calendar.factories import announce_release, oslo

API = "/api/pxwebapi/v2/tables/99200"
NEW = px_table("99200", "Nybefolkning").replace(b"1001 1002", b"1001 9999")


def _upload(app: Flask, client: FlaskClient, body: bytes, release: int | str | None = None) -> None:
    query = f"&release={release}" if release is not None else ""
    response = client.post(
        f"/api/v1/tables?statistic=folkemengde{query}",
        data=body,
        content_type="application/octet-stream",
        headers=bearer(make_token(app, "ssb", f"rev {release}")),
    )
    assert response.status_code == 201, response.text


def _cell(client: FlaskClient) -> object:
    """Hele landet, Folkemengde, 2017 as the API gives it."""
    answer = client.get(
        f"{API}/data?lang=no&valueCodes[Region]=0&valueCodes[ContentsCode]=Folkemengde"
        "&valueCodes[Tid]=2017"
    )
    assert answer.status_code == 200, answer.text
    return answer.json["value"][0]


def _rows(app: Flask) -> list[tuple[str, str | None]]:
    from sqlalchemy import select

    with get_database(app).sessions() as s:
        return list(
            s.execute(
                select(DataTable.row_id, DataTable.store_revision).where(DataTable.id == "99200")
            )
        )


def test_the_public_keeps_the_current_revision_until_the_next_ones_minute(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    _upload(app, client, px_table("99200"))
    assert _cell(client) == 1002
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, clock.now(), at, statistic="folkemengde")
    _upload(app, client, NEW, release_id)
    rows = _rows(app)
    assert len(rows) == 2 and len({r for _, r in rows}) == 2
    store = get_store(app)
    assert all(store.open("99200", r).size == 100 for _, r in rows)

    clock.set(at - timedelta(seconds=1))
    # Every channel still has the revision the public had: the numbers, the title, the page, the
    # table list, the classic API and search.
    assert _cell(client) == 1002
    assert "Testbefolkning" in client.get(f"{API}/metadata?lang=no").text
    assert "Nybefolkning" not in client.get(f"{API}/metadata?lang=no").text
    page = client.get("/tabeller/99200")
    assert page.status_code == 200 and "Nybefolkning" not in page.text
    listed = client.get("/api/pxwebapi/v2/tables?lang=no&query=99200").json["tables"]
    assert [t["id"] for t in listed] == ["99200"] and "Nybefolkning" not in str(listed)
    found = client.get("/sok?q=Testbefolkning").text
    assert "/tabeller/99200" in found
    assert "/tabeller/99200" not in client.get("/sok?q=Nybefolkning").text

    # At the minute, the new revision, everywhere at once.
    clock.set(at)
    assert _cell(client) == 9999
    assert "Nybefolkning" in client.get(f"{API}/metadata?lang=no").text
    assert "Nybefolkning" in client.get("/tabeller/99200").text
    assert "/tabeller/99200" in client.get("/sok?q=Nybefolkning").text
    assert "/tabeller/99200" not in client.get("/sok?q=Testbefolkning").text

    # The next write after it removes the kept revision and its cells.
    kept = next(r for key, r in rows if key != "99200")
    _upload(app, client, NEW.replace(b"1001 9999", b"1001 8888"), "none")
    assert len(_rows(app)) == 1
    assert _cell(client) == 8888
    try:
        store.open("99200", kept)
        raise AssertionError("the kept revision's cells are still stored")
    except FileNotFoundError:
        pass


def test_a_waiting_revision_replaced_again_and_a_cancelled_release(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    from release_calendar import service as calendar
    from release_calendar.rules import Reason
    from tests.release_calendar.factories import actor_for

    _upload(app, client, px_table("99200"))
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, clock.now(), at, statistic="folkemengde")
    _upload(app, client, NEW, release_id)
    # A second upload for the same release replaces the waiting revision; the public one stays.
    _upload(app, client, NEW.replace(b"1001 9999", b"1001 7777"), release_id)
    assert len(_rows(app)) == 2
    assert _cell(client) == 1002
    # The release is cancelled: the waiting revision never goes out, the public keeps its table.
    with get_database(app).sessions() as s:
        calendar.cancel(
            s,
            actor_for(s, "ssb"),
            release_id,
            Reason.TECHNICAL_FAILURE,
            "Avlyst i test",
            expected_version=None,
            now=clock.now(),
        )
        s.commit()
    clock.set(at + timedelta(days=1))
    assert _cell(client) == 1002
    assert client.get("/tabeller/99200").status_code == 200
