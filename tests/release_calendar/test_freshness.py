"""The next instant the calendar changes answers by itself (issue 23)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.kernel.freshness import next_midnight
from release_calendar.freshness import next_change_at
from tests.release_calendar.factories import announce_release, oslo, releases_in_each_state


def test_the_next_release_time_or_midnight(app: Flask, clock: FixedClock) -> None:
    now = clock.now()
    with app.app_context(), get_database(app).sessions() as s:
        assert next_change_at(s, now) == next_midnight(now)
    soon = now + timedelta(minutes=90)
    announce_release(app, now, soon, late_justification="Test.")
    with app.app_context(), get_database(app).sessions() as s:
        assert next_change_at(s, now) == min(soon, next_midnight(now))
        # A second before the minute it is still ahead; at the minute the next one counts.
        assert next_change_at(s, soon - timedelta(seconds=1)) == soon
        assert next_change_at(s, soon) == next_midnight(soon)


def test_confirmed_and_provisional_times_both_count(app: Flask, clock: FixedClock) -> None:
    ids = releases_in_each_state(app, clock)
    assert set(ids) == {"provisional", "confirmed", "published"}
    with app.app_context(), get_database(app).sessions() as s:
        assert next_change_at(s, clock.now()) == next_midnight(clock.now())
        # 07:00 on the confirmed release's day: its 08:00 comes before midnight.
        assert next_change_at(s, oslo(2027, 6, 10, 7, 0)) == oslo(2027, 6, 10, 8, 0)
        # A provisional time passing moves it out of "coming": a change too.
        assert next_change_at(s, oslo(2027, 9, 1, 7, 0)) == oslo(2027, 9, 1, 8, 0)
