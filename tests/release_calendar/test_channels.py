"""Every public channel of the calendar: pages, JSON, iCal, Atom, RSS, at release time minus and plus one
second; real parsers for the feeds; conditional GET."""

from __future__ import annotations

import io
from datetime import timedelta

import feedparser
import icalendar
import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from release_calendar import service
from release_calendar.rules import Precision, Reason
from tests.release_calendar.factories import actor_for, announcement, oslo

SECRET_NOTE = "KPI steg 0,3 prosent"
SECRET_PRA = "Sentralbanksjefens kontor"


@pytest.fixture
def release_id(app: Flask, clock: FixedClock) -> int:
    with get_database(app).sessions() as s:
        ssb = actor_for(s, "ssb")
        release = service.announce(s, ssb, announcement(oslo(2027, 3, 10, 8, 0)), clock.now())
        service.disclose_access(
            s,
            ssb,
            release.id,
            recipient=SECRET_PRA,
            purpose="Kvalitetssikring",
            hours_before=16,
            now=clock.now(),
        )
        provisional = service.announce(
            s,
            ssb,
            announcement(oslo(2027, 5, 1, 8, 0), precision=Precision.QUARTER, confirmed=False),
            clock.now(),
        )
        cancelled = service.announce(s, ssb, announcement(oslo(2027, 4, 1, 8, 0)), clock.now())
        service.cancel(
            s,
            ssb,
            cancelled.id,
            Reason.CAPACITY,
            "Ingen kapasitet.",
            expected_version=None,
            now=clock.now(),
        )
        s.commit()
        assert provisional.id
        return release.id


def channels(release_id: int) -> list[str]:
    return [
        "/kalender?from=2027-03-01",
        "/en/calendar?from=2027-03-01",
        "/kalender?view=day&date=2027-03-10",
        "/en/calendar?view=month&date=2027-03-01",
        f"/kalender/{release_id}",
        f"/en/calendar/{release_id}",
        "/kalender/endringer",
        "/en/calendar/changes",
        "/api/v1/releases?from=2027-03-01",
        f"/api/v1/releases/{release_id}",
        "/api/v1/releases/changes",
        "/feeds/releases.ics?from=2027-03-01",
        "/feeds/releases.ics?from=2027-03-01&lang=en",
        "/feeds/releases.atom?from=2027-03-01",
        "/feeds/releases.rss?from=2027-03-01",
        "/feeds/changes.atom",
        "/statistikk/kpi",
        "/en/statistics/kpi",
        "/api/v1/statistics/kpi",
    ]


def _crawl(client: FlaskClient, paths: list[str]) -> dict[str, str]:
    """Each channel's text as a reader sees it: iCal unfolded and unescaped by a real parser."""
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        if ".ics" in path:
            cal = icalendar.Calendar.from_ical(response.get_data())
            text = "\n".join(
                f"{e.get('summary')}\n{e.get('description')}" for e in cal.walk("VEVENT")
            )
        found[path] = text
    return found


def test_nothing_of_a_release_is_out_a_second_early_and_all_of_it_is_out_on_time(
    client: FlaskClient, clock: FixedClock, release_id: int
) -> None:
    at = oslo(2027, 3, 10, 8, 0)
    clock.set(at - timedelta(seconds=1))
    before = _crawl(client, channels(release_id))
    leaks = [p for p, body in before.items() if SECRET_NOTE in body or SECRET_PRA in body]
    assert leaks == []
    assert '"status":"confirmed"' in before[f"/api/v1/releases/{release_id}"]
    clock.set(at + timedelta(seconds=1))
    after = _crawl(client, channels(release_id))
    for path in (
        f"/kalender/{release_id}",
        f"/api/v1/releases/{release_id}",
        "/api/v1/releases?from=2027-03-01",
        "/feeds/releases.ics?from=2027-03-01",
        "/feeds/releases.atom?from=2027-03-01",
        "/feeds/releases.rss?from=2027-03-01",
    ):
        assert SECRET_NOTE in after[path], path
    assert SECRET_PRA in after[f"/kalender/{release_id}"]
    assert SECRET_PRA in after[f"/api/v1/releases/{release_id}"]
    assert '"status":"published"' in after[f"/api/v1/releases/{release_id}"]
    assert "Publisert" in after["/statistikk/kpi"]


def test_at_the_exact_minute_it_is_out(
    client: FlaskClient, clock: FixedClock, release_id: int
) -> None:
    clock.set(oslo(2027, 3, 10, 8, 0))
    assert (
        client.get(f"/api/v1/releases/{release_id}").json["release_note_nb"].startswith(SECRET_NOTE)
    )


def test_ical_parses_in_two_independent_libraries(client: FlaskClient, release_id: int) -> None:
    body = client.get("/feeds/releases.ics?from=2027-01-01").get_data()
    cal = icalendar.Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    main = events[f"release-{release_id}@statistikkportalen.no"]
    assert main.decoded("dtstart") == oslo(2027, 3, 10, 8, 0)
    assert str(main["status"]) == "CONFIRMED" and int(main["sequence"]) == 0
    statuses = sorted(str(e["status"]) for e in events.values())
    assert statuses == ["CANCELLED", "CONFIRMED", "TENTATIVE"]
    tentative = next(e for e in events.values() if str(e["status"]) == "TENTATIVE")
    assert "foreløpig" in str(tentative["summary"]) and "2. kvartal 2027" in str(
        tentative["summary"]
    )
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Europe/Oslo"
    parsed = vobject.readOne(io.StringIO(body.decode()))
    assert len(parsed.vevent_list) == 3
    first = next(
        e
        for e in parsed.vevent_list
        if e.uid.value == f"release-{release_id}@statistikkportalen.no"
    )
    assert first.dtstart.value == oslo(2027, 3, 10, 8, 0)
    for line in body.split(b"\r\n"):
        assert len(line) <= 75


def test_sequence_rises_with_every_change(
    client: FlaskClient, app: Flask, clock, release_id
) -> None:
    def sequence() -> int:
        cal = icalendar.Calendar.from_ical(
            client.get("/feeds/releases.ics?from=2027-01-01").get_data()
        )
        event = next(
            e for e in cal.walk("VEVENT") if str(e["uid"]).startswith(f"release-{release_id}@")
        )
        return int(event["sequence"])

    assert sequence() == 0
    with get_database(app).sessions() as s:
        change = service.DateChange(
            oslo(2027, 3, 17, 8, 0), Precision.EXACT, Reason.LATE_DATA, "Sent."
        )
        service.reschedule(
            s, actor_for(s, "ssb"), release_id, change, expected_version=None, now=clock.now()
        )
        s.commit()
    clock.advance(timedelta(seconds=1))
    assert sequence() == 1


def test_atom_and_rss_parse_cleanly(client: FlaskClient, release_id: int) -> None:
    for path in (
        "/feeds/releases.atom?from=2027-01-01",
        "/feeds/releases.rss?from=2027-01-01",
        "/feeds/changes.atom",
        "/feeds/releases.atom?lang=en&from=2027-01-01",
    ):
        parsed = feedparser.parse(client.get(path).get_data())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
    changes = feedparser.parse(client.get("/feeds/changes.atom").get_data())
    assert any(e.title.startswith("Avlyst") for e in changes.entries)


def test_feeds_filter_like_the_page(client: FlaskClient, release_id: int) -> None:
    nav = client.get("/feeds/releases.ics?producer=nav&from=2027-01-01").get_data()
    assert b"BEGIN:VEVENT" not in nav
    ssb = client.get("/feeds/releases.ics?producer=ssb&from=2027-01-01").get_data()
    assert ssb.count(b"BEGIN:VEVENT") == 3
    assert client.get("/feeds/releases.ics?kind=hourly").status_code == 400
    assert client.get("/feeds/releases.atom?lang=de").status_code == 400


def test_conditional_get_answers_304(
    client: FlaskClient, clock: FixedClock, release_id: int
) -> None:
    for path in (
        "/feeds/releases.ics",
        "/feeds/releases.atom",
        "/feeds/releases.rss",
        "/feeds/changes.atom",
    ):
        first = client.get(path)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    etag = client.get("/feeds/releases.ics?from=2027-01-01").headers["ETag"]
    clock.set(oslo(2027, 3, 10, 8, 0))
    # The release going out changes the feed without anyone touching it.
    again = client.get("/feeds/releases.ics?from=2027-01-01", headers={"If-None-Match": etag})
    assert again.status_code == 200


def test_calendar_page_lists_changes_and_marks(client: FlaskClient, release_id: int) -> None:
    page = client.get("/kalender/endringer").get_data(as_text=True)
    assert "Avlyst" in page and "Ingen kapasitet." in page
    release = client.get(f"/en/calendar/{release_id}").get_data(as_text=True)
    assert "10 March 2027, 08:00 CET" in release
    assert "not published yet" in release
    bad = client.get("/kalender?view=year")
    assert bad.status_code == 400
    assert client.get("/api/v1/releases?from=2027-13-01").status_code == 400
    assert client.get("/api/v1/releases/999999").status_code == 404


def test_feeds_are_served_compressed_to_clients_that_accept_it(
    client: FlaskClient, release_id: int
) -> None:
    import gzip

    plain = client.get("/feeds/releases.ics?from=2027-01-01")
    packed = client.get("/feeds/releases.ics?from=2027-01-01", headers={"Accept-Encoding": "gzip"})
    assert (
        packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    )
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(
        "/feeds/releases.ics?from=2027-01-01",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304
