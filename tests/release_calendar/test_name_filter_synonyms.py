"""The calendar's name filter looks for the search's synonyms and abbreviations too (issue 18): "KPI" in
the filter finds the consumer price index's releases, as search does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from release_calendar.demo import seed_releases


@pytest.fixture
def demo(app: Flask, clock: FixedClock) -> Iterator[None]:
    # Outside an app context: the commit leaves the search index alone (the name filter reads the
    # database), which saves indexing the demo's hundreds of releases.
    with get_database(app).sessions() as s:
        seed_releases(s, clock.now())
        s.commit()
    yield


def test_an_abbreviation_in_the_name_filter_finds_the_statistic(
    client: FlaskClient, demo: None
) -> None:
    by_name = client.get("/api/v1/releases?q=konsumprisindeks&per_page=100").json
    by_abbreviation = client.get("/api/v1/releases?q=KPI&per_page=100").json
    assert by_name["total"] > 0
    found = {r["id"] for r in by_abbreviation["items"]}
    assert {r["id"] for r in by_name["items"]} <= found
    page = client.get("/kalender?q=KPI").text
    assert "Konsumprisindeks" in page or "konsumprisindeks" in page


def test_an_unknown_word_finds_nothing(client: FlaskClient, demo: None) -> None:
    assert client.get("/api/v1/releases?q=zzqxyv").json["total"] == 0
