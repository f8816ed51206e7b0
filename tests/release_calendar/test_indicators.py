"""Indicators computed from history: each definition on a release built to pass or fail it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from release_calendar import indicators, service
from release_calendar.rules import Precision, Reason
from tests.release_calendar.factories import actor_for, announcement, oslo


def _history(app: Flask, clock: FixedClock) -> None:
    with get_database(app).sessions() as s:
        ssb = actor_for(s, "ssb")
        clock.set(oslo(2027, 1, 4, 9, 0))
        service.announce(s, ssb, announcement(oslo(2027, 5, 10, 8, 0)), clock.now())  # on time
        moved = service.announce(s, ssb, announcement(oslo(2027, 6, 10, 8, 0)), clock.now())
        clock.set(oslo(2027, 5, 14, 9, 0))
        service.announce(
            s, ssb, announcement(oslo(2027, 6, 1, 8, 0), late_justification="Ny."), clock.now()
        )  # late
        clock.set(oslo(2027, 5, 31, 9, 0))
        change = service.DateChange(
            oslo(2027, 6, 17, 8, 0), Precision.EXACT, Reason.LATE_DATA, "Sene data."
        )
        service.reschedule(s, ssb, moved.id, change, expected_version=None, now=clock.now())
        s.commit()
    clock.set(oslo(2027, 7, 1, 12, 0))


def test_each_definition_counts_what_it_says(app: Flask, clock: FixedClock) -> None:
    _history(app, clock)
    with get_database(app).sessions() as s:
        result = indicators.compute(s, clock.now(), producer="ssb")
    (row,) = result.rows
    assert (row.producer, row.year, row.frequency, row.published) == ("SSB", 2027, "monthly", 3)
    assert row.announced_on_time == 2  # the late one fails
    assert row.punctual_first_confirmed == 2  # the moved one fails
    assert row.punctual_pre_announced == 1  # only the first had its exact date 3 months ahead
    assert row.punctual_last_announced == 3
    # Reference period ends 28 Feb 2027: 71, 93 and 109 days to 10 May, 1 June and 17 June.
    assert row.timeliness_final_days == round((71 + 93 + 109) / 3, 1)
    assert [(r.reason, r.changes) for r in result.reasons] == [("late-data", 1)]


def test_nothing_counts_before_it_is_published(app: Flask, clock: FixedClock) -> None:
    _history(app, clock)
    with get_database(app).sessions() as s:
        before = indicators.compute(
            s, oslo(2027, 6, 1, 8, 0) - timedelta(seconds=1), producer="ssb"
        )
    assert sum(r.published for r in before.rows) == 1


def test_api_csv_and_page(client: FlaskClient, app: Flask, clock: FixedClock) -> None:
    _history(app, clock)
    data = client.get("/api/v1/releases/indicators?producer=ssb&year=2027").json
    assert data["rows"][0]["announced_on_time_pct"] == 66.7
    assert "IMF" in data["definitions"]["punctual_last_announced"]
    table = list(
        csv.DictReader(
            io.StringIO(
                client.get("/api/v1/releases/indicators.csv?producer=ssb").get_data(as_text=True)
            )
        )
    )
    assert table[0]["punctual_pre_announced"] == "1"
    page = client.get("/en/calendar/indicators?producer=ssb")
    assert page.status_code == 200 and "66.7% (2/3)" in page.get_data(as_text=True)
    assert client.get("/api/v1/releases/indicators?year=abc").status_code == 400
