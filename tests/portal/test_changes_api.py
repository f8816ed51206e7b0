"""Issue 22, change detection for programs: ``updatedAfter`` on the native lists and the change log at
/api/v1/changes give exactly what changed after a point, in order, and nothing before it is public (a
table waiting for its release included); bad parameters answer a 400 problem."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.notify.events import queue_due
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import px_table, store_table
from tests.release_calendar.factories import announce_release, oslo

SETTLE = timedelta(seconds=36)


def _q(moment: datetime) -> str:
    return quote(moment.isoformat())


def _log(client: FlaskClient, query: str = "", **headers: str) -> dict:
    response = client.get(f"/api/v1/changes{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json


def _follow(client: FlaskClient, start: str) -> list[dict]:
    """Every item from ``start`` on, following ``next`` until a page is empty."""
    items, url = [], start
    while True:
        response = client.get(url)
        assert response.status_code == 200, response.text
        assert response.headers["Link"] == f'<{response.json["next"]}>; rel="next"'
        if not response.json["items"]:
            return items
        items.extend(response.json["items"])
        url = response.json["next"]


def _clock_passes(app: Flask, clock: FixedClock) -> None:
    """What the alert worker does each pass: queue what the clock made public."""
    with app.app_context(), get_database(app).sessions() as s:
        queue_due(s, clock.now())
        s.commit()


def _table_ids(client: FlaskClient, query: str) -> list[str]:
    response = client.get(f"/api/v1/tables?{query}")
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json["items"]]


def test_a_release_and_its_table_show_up_at_their_minute_never_before(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    start = clock.now()
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, start, at, statistic="folkemengde")
    table = store_table(app, client, px_table("99001"), "folkemengde", release=release_id)

    # Written, but not settled: a transaction could still commit an older id.
    assert _log(client)["items"] == []
    clock.advance(SETTLE)
    announced = _log(client)
    assert [(e["kind"], e["ref"]) for e in announced["items"]] == [
        ("release.announced", f"release:{release_id}")
    ]
    cursor = announced["next"]
    # The upload waits for its release: in no list, whatever the point asked from.
    assert table not in _table_ids(client, f"updatedAfter={_q(start - timedelta(days=1))}")
    assert table not in _table_ids(client, "")

    clock.set(at - timedelta(seconds=1))
    _clock_passes(app, clock)
    assert _follow(client, cursor) == []
    assert table not in _table_ids(client, f"updatedAfter={_q(start)}")
    released = client.get(f"/api/v1/releases?updatedAfter={_q(at - timedelta(hours=1))}")
    assert release_id not in [r["id"] for r in released.json["items"]]

    clock.set(at + timedelta(minutes=1))
    _clock_passes(app, clock)
    assert _follow(client, cursor) == []  # queued at the minute, listed once settled
    assert _table_ids(client, f"updatedAfter={_q(at - timedelta(seconds=1))}") == [table]
    # updatedAfter is strictly after: the table changed publicly at the release's instant.
    assert _table_ids(client, f"updatedAfter={_q(at)}") == []
    released = client.get(f"/api/v1/releases?updatedAfter={_q(at - timedelta(seconds=1))}")
    assert [r["id"] for r in released.json["items"]] == [release_id]

    clock.advance(SETTLE)
    after = _follow(client, cursor)
    assert [(e["kind"], e["ref"]) for e in after] == [
        ("release.published", f"release:{release_id}"),
        ("table.revised", f"table:{table}"),
    ]
    assert [e["public_at"] for e in after] == [at.isoformat().replace("+00:00", "Z")] * 2
    assert all(e["id"] > int(cursor.rsplit("after=", 1)[1]) for e in after)


def test_the_log_pages_by_cursor_and_filters_by_kind_and_topic(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    ids = []
    for month, statistic in [(6, "folkemengde"), (7, "kpi"), (8, "folkemengde"), (9, "kpi")]:
        ids.append(
            announce_release(app, clock.now(), oslo(2027, month, 10, 8, 0), statistic=statistic)
        )
        clock.advance(timedelta(seconds=1))
    clock.advance(SETTLE)

    every = _follow(client, "/api/v1/changes?limit=3")
    assert [e["ref"] for e in every] == [f"release:{i}" for i in ids]
    assert [e["id"] for e in every] == sorted(e["id"] for e in every)
    first = _log(client, "?limit=3")
    assert len(first["items"]) == 3
    assert "limit=3" in first["next"]
    rest = client.get(first["next"]).json
    assert [e["ref"] for e in rest["items"]] == [f"release:{ids[3]}"]

    kpi = _log(client, "?topic=statistic:kpi")["items"]
    assert [e["ref"] for e in kpi] == [f"release:{ids[1]}", f"release:{ids[3]}"]
    assert _log(client, "?kind=release.cancelled")["items"] == []
    # A short page moves the cursor past what the filter left out.
    caught_up = _log(client, "?kind=release.cancelled")["next"]
    assert caught_up.endswith(f"after={every[-1]['id']}")


def test_the_log_speaks_the_language_asked_for(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    announce_release(app, clock.now(), oslo(2027, 6, 10, 8, 0), statistic="folkemengde")
    clock.advance(SETTLE)
    [en] = _log(client, "?lang=en")["items"]
    [nb] = _log(client, **{"Accept-Language": "nb"})["items"]
    assert en["title"] != nb["title"]
    assert "/en/" in en["link"] and "/en/" not in nb["link"]
    assert en["link"].startswith("http")


def test_statistics_updated_after_a_point(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    clock.advance(timedelta(days=1))
    before = clock.now()
    clock.advance(timedelta(seconds=1))
    token = make_token(app, "ssb")
    changed = client.patch(
        "/api/v1/statistics/kpi", headers=bearer(token), json={"name_en": "Consumer prices"}
    )
    assert changed.status_code == 200, changed.text
    found = client.get(f"/api/v1/statistics?updatedAfter={_q(before)}").json
    assert [s["slug"] for s in found["items"]] == ["kpi"]
    assert client.get(f"/api/v1/statistics?updatedAfter={_q(clock.now())}").json["items"] == []
    # A date is midnight in Oslo; the seeded programme is older than the day of the change.
    day = client.get("/api/v1/statistics?updatedAfter=" + before.date().isoformat()).json
    assert [s["slug"] for s in day["items"]] == ["kpi"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/changes?after=-1",
        "/api/v1/changes?after=x",
        "/api/v1/changes?limit=0",
        "/api/v1/changes?limit=1001",
        "/api/v1/changes?kind=Release!",
        "/api/v1/changes?topic=statistic%20kpi",
        "/api/v1/changes?lang=de",
        "/api/v1/statistics?updatedAfter=yesterday",
        "/api/v1/statistics?updatedAfter=2026-12-01T08:00:00",
        "/api/v1/releases?updatedAfter=2026-13-01",
        "/api/v1/tables?updatedAfter=2026-12-01T08",
        "/api/v1/tables?per_page=101",
    ],
)
def test_bad_parameters_answer_a_problem(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    name = url.split("?")[1].split("=")[0]
    assert [e["pointer"] for e in response.json["errors"]] == [name]


def test_an_instant_with_z_or_an_offset_is_taken(client: FlaskClient) -> None:
    for value in (
        "2026-12-01T08:00:00Z",
        "2026-12-01T09:00:00%2B01:00",
        "2026-12-01T09:00:00+01:00",
    ):
        assert client.get(f"/api/v1/tables?updatedAfter={value}").status_code == 200
