"""The release feeds built from per-release fragments (issue 23): the same bytes as the libraries write
for the whole feed, only the changed releases rendered again after a write, and the default window of
the last 12 months and everything coming, with the whole history on request."""

from __future__ import annotations

import logging
from datetime import timedelta

import feedparser
import icalendar
import pytest
from feedgen.feed import FeedGenerator
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.cache import MemoryCache
from portal.kernel.clock import FixedClock
from release_calendar import feeds, listing, service
from release_calendar.feed_build import FeedItem, fragment_key
from release_calendar.rules import Precision, Reason
from tests.release_calendar.factories import actor_for, announcement, oslo

NOTE = "prosent fra januar til februar"
FEEDS = ("/feeds/releases.ics", "/feeds/releases.atom", "/feeds/releases.rss")
HUB = "https://hub.example.org/"


@pytest.fixture
def calendar(app: Flask, clock: FixedClock) -> dict[str, int]:
    """Releases of every shape a fragment has: coming, provisional, cancelled, out with a correction."""
    with get_database(app).sessions() as s:
        ssb = actor_for(s, "ssb")
        coming = service.announce(s, ssb, announcement(oslo(2027, 3, 10, 8, 0)), clock.now())
        soon = service.announce(
            s,
            ssb,
            announcement(clock.now() + timedelta(days=1), late_justification="Sent."),
            clock.now(),
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
        ids = {"coming": coming.id, "soon": soon.id, "provisional": provisional.id}
    clock.advance(timedelta(days=2))
    with get_database(app).sessions() as s:
        service.add_correction(
            s,
            actor_for(s, "ssb"),
            ids["soon"],
            service.CorrectionNotice("Feil tall.", "Wrong figure.", "Rettet.", "Corrected."),
            clock.now(),
        )
        s.commit()
    return ids


def _url(view: listing.ReleaseView) -> str:
    return f"https://statistikkportalen.no/kalender/{view.id}"


def _whole_ical(views: list[listing.ReleaseView], lang: str) -> bytes:
    """The calendar as icalendar writes it whole (the feed before issue 23)."""
    cal = icalendar.Calendar()
    for name, value in icalendar.Calendar.from_ical(
        feeds.ical_document([], lang=lang, feed_url="https://x/f.ics")
    ).property_items(recursive=False)[1:-1]:
        cal.add(name, value)
    for view in views:
        cal.add_component(feeds._event(view, lang, _url(view)))
    cal.add_component(feeds._oslo_timezone())
    return bytes(cal.to_ical())


def _whole_syndication(
    views: list[listing.ReleaseView], lang: str, kind: str, hub: str | None, clock: FixedClock
) -> bytes:
    """Atom or RSS as feedgen writes it whole (the feed before issue 23)."""
    fg: FeedGenerator = feeds._feed(
        lang,
        feeds.WORDS[lang]["calendar"],
        "https://x/f",
        "https://x/",
        feeds.latest(views, clock.now()),
        hub,
    )
    for view in views:
        fg.add_entry(feeds._entry(view, lang, _url(view)), order="append")
    if kind == "atom":
        return bytes(fg.atom_str(pretty=True))
    return feeds._rss_hub(bytes(fg.rss_str(pretty=True)), hub)


def test_fragments_make_what_the_libraries_write_for_the_whole_feed(
    session, clock: FixedClock, calendar: dict[str, int]
) -> None:
    views = listing.all_releases(session, listing.ReleaseQuery(), clock.now(), 1000)
    assert len(views) == 4 and any(v.is_out and v.corrections for v in views)
    for lang in ("nb", "en"):
        built = feeds.ical(views, lang=lang, url_for_release=_url, feed_url="https://x/f.ics")
        assert built == _whole_ical(views, lang)
        for kind in ("atom", "rss"):
            for hub in (None, HUB):
                whole = _whole_syndication(views, lang, kind, hub, clock)
                fragments = feeds.releases_feed(
                    views,
                    lang=lang,
                    url_for_release=_url,
                    self_url="https://x/f",
                    home_url="https://x/",
                    now=clock.now(),
                    kind=kind,
                    hub=hub,
                )
                assert fragments == whole, (lang, kind, hub)
    empty = feeds.releases_feed(
        [],
        lang="nb",
        url_for_release=_url,
        self_url="https://x/f",
        home_url="https://x/",
        now=clock.now(),
        kind="rss",
    )
    assert empty == _whole_syndication([], "nb", "rss", None, clock)


def _notes(body: bytes) -> int:
    """How often the Norwegian release note appears (iCal lines unfolded)."""
    return body.replace(b"\r\n ", b"").count(NOTE.encode())


def _fresh(app: Flask) -> None:
    """Forget every cached feed and fragment, as a newly started portal with an empty cache."""
    app.extensions["portal.cache"] = MemoryCache()


def _renders(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = [r.getMessage() for r in caplog.records if r.name == "release_calendar.feed_build"]
    caplog.clear()
    return found


def test_a_write_renders_only_the_release_it_changed_and_gives_the_bytes_of_a_full_build(
    app: Flask, client: FlaskClient, clock: FixedClock, calendar: dict[str, int], caplog
) -> None:
    app.config["WEBSUB_HUB"] = HUB
    caplog.set_level(logging.INFO, logger="release_calendar.feed_build")
    paths = [f"{feed}?{lang}" for feed in FEEDS for lang in ("lang=nb", "lang=en")]
    for path in paths:
        assert client.get(path).status_code == 200
    assert all(message.endswith("4 releases, 4 rendered") for message in _renders(caplog))

    with get_database(app).sessions() as s:
        change = service.DateChange(
            oslo(2027, 3, 17, 8, 0), Precision.EXACT, Reason.LATE_DATA, "Sent."
        )
        service.reschedule(
            s,
            actor_for(s, "ssb"),
            calendar["coming"],
            change,
            expected_version=None,
            now=clock.now(),
        )
        s.commit()
    clock.advance(timedelta(seconds=1))
    incremental = {path: client.get(path).get_data() for path in paths}
    messages = _renders(caplog)
    assert len(messages) == len(paths)
    assert all(message.endswith("4 releases, 1 rendered") for message in messages), messages
    _fresh(app)
    for path in paths:
        assert client.get(path).get_data() == incremental[path], path
    assert all(m.endswith("4 releases, 4 rendered") for m in _renders(caplog))

    # A release going out at its time is a change nobody wrote: its fragment is rendered again, with
    # its release note, from that minute and not a second before.
    clock.set(oslo(2027, 3, 17, 8, 0) - timedelta(seconds=1))
    before = {path: client.get(path).get_data() for path in paths}
    # The release out two days after the start has the same note: this one's adds a second.
    assert [_notes(before[path]) for path in paths] == [1, 0] * 3
    _renders(caplog)  # the window moved with the date: built again, nothing rendered
    clock.set(oslo(2027, 3, 17, 8, 0))
    out = {path: client.get(path).get_data() for path in paths}
    assert all(m.endswith("4 releases, 1 rendered") for m in _renders(caplog))
    assert [_notes(out[path]) for path in paths] == [2, 0] * 3
    _fresh(app)
    assert {path: client.get(path).get_data() for path in paths} == out


def test_a_fragment_is_keyed_by_all_it_depends_on(clock: FixedClock) -> None:
    from release_calendar.feed_build import FeedRequest

    def request(kind: str = "ics", lang: str = "nb", site: str = "https://a/") -> FeedRequest:
        return FeedRequest(kind, lang, listing.ReleaseQuery(), 10, "", "", str, site)

    item = FeedItem(1, 3, clock.now(), clock.now() + timedelta(days=1), False, "SSB")
    key = fragment_key(request(), item)
    assert (
        fragment_key(request(), FeedItem(1, 3, item.updated_at, item.release_at, False, "SSB"))
        == key
    )
    others = [
        fragment_key(request("atom"), item),
        fragment_key(request(lang="en"), item),
        fragment_key(request(site="https://b/"), item),
        fragment_key(request(), FeedItem(2, 3, item.updated_at, item.release_at, False, "SSB")),
        fragment_key(request(), FeedItem(1, 4, item.updated_at, item.release_at, False, "SSB")),
        fragment_key(request(), FeedItem(1, 3, item.updated_at, item.release_at, True, "SSB")),
        fragment_key(request(), FeedItem(1, 3, item.updated_at, item.release_at, False, "NAV")),
    ]
    assert key not in others and len(set(others)) == len(others)


def test_feeds_cover_the_last_twelve_months_and_everything_coming_unless_asked_for_all(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    with get_database(app).sessions() as s:
        ssb = actor_for(s, "ssb")
        old = service.announce(
            s, ssb, announcement(oslo(2026, 12, 1, 8, 0), late_justification="Sent."), clock.now()
        )
        recent = service.announce(s, ssb, announcement(oslo(2027, 3, 1, 8, 0)), clock.now())
        coming = service.announce(s, ssb, announcement(oslo(2029, 1, 10, 8, 0)), clock.now())
        s.commit()
        ids = {old.id: "old", recent.id: "recent", coming.id: "coming"}
    clock.set(oslo(2028, 1, 15, 12, 0))  # "old" went out 13 1/2 months ago, "recent" 10 1/2

    def shown(path: str) -> set[str]:
        body = client.get(path).get_data()
        if ".ics" in path:
            uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]
            return {ids[int(uid.split("@")[0].removeprefix("release-"))] for uid in uids}
        parsed = feedparser.parse(body)
        assert not parsed.bozo
        return {ids[int(e.id.rsplit("/", 1)[1])] for e in parsed.entries}

    for feed in FEEDS:
        assert shown(feed) == {"recent", "coming"}, feed
        assert shown(f"{feed}?history=all") == {"old", "recent", "coming"}, feed
        assert shown(f"{feed}?from=2026-11-01&to=2027-12-31") == {"old", "recent"}, feed
        assert shown(f"{feed}?to=2027-01-31") == {"old"}, feed
    refused = client.get("/feeds/releases.ics?history=alt")
    assert refused.status_code == 400
    assert "history kan bare være all" in refused.get_data(as_text=True)
