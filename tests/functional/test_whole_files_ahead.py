"""Whole-table files built ahead (issues 21 and 23, ``WHOLE_FILES_AHEAD``): after an upload, the new
revision's files are built in the background, so at the release minute the first request is served a
built file; before the minute the waiting revision's files are not served, and the public revision's
files stay served as they were. On an app of its own (``race_url``): the background build has its own
connection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.store import whole
from tests.conftest import START, make_token
from tests.pxbridge.conftest import px_table, upload
from tests.release_calendar.factories import announce_release, oslo

DEADLINE = 60.0


@pytest.fixture
def ahead_app(race_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": race_url,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            "CLOCK": FixedClock(START),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "WHOLE_FILES_AHEAD": True,
        }
    )
    yield app
    get_database(app).dispose()


def _built(app: Flask, table_id: str) -> set[str]:
    folder = Path(app.instance_path) / "downloads" / table_id
    return (
        {p.name for p in folder.iterdir() if not p.name.startswith(".")}
        if folder.is_dir()
        else set()
    )


def _wait_for(app: Flask, table_id: str, count: int) -> set[str]:
    """The table's built files once ``count`` are there (the background build is done)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        found = {n for n in _built(app, table_id) if not n.startswith(".lock-")}
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{table_id}: {sorted(_built(app, table_id))} after {DEADLINE} s")


def _file(client: FlaskClient, table_id: str, fmt: str) -> tuple[int, bytes, str]:
    latest = client.get(f"/tabeller/{table_id}/filer/siste.{fmt}")
    if latest.status_code != 302:
        return latest.status_code, b"", ""
    with client.get(latest.headers["Location"]) as answer:
        return answer.status_code, answer.get_data(), latest.headers["Location"]


def test_a_waiting_revision_is_built_ahead_and_served_at_its_minute(ahead_app: Flask) -> None:
    app, clock = ahead_app, ahead_app.config["CLOCK"]
    client = app.test_client()
    token = make_token(app, "ssb", name="ahead")
    # A public table: its files are built ahead too.
    first = upload(client, token, px_table("99101"), "folkemengde", no_release="true")
    assert first.status_code == 201, first.text
    kinds = len(whole.KINDS)
    public_files = _wait_for(app, "99101", kinds)
    status, public_csv, public_url = _file(client, "99101", "csv")
    assert status == 200
    assert _built(app, "99101") >= public_files  # served as built, nothing built again

    # Its next revision waits for a release: built ahead, beside the public revision's files.
    at = oslo(2027, 6, 10, 8, 0)
    release = announce_release(app, clock.now(), at, statistic="folkemengde")
    changed = px_table("99101").replace(b"1001 1002", b"1001 4242")
    second = upload(client, token, changed, "folkemengde", release=release)
    assert second.status_code == 201, second.text
    both = _wait_for(app, "99101", 2 * kinds)
    assert public_files < both

    # A second before the minute: the public revision's file, the same bytes.
    clock.set(at - timedelta(seconds=1))
    status, body, url = _file(client, "99101", "csv")
    assert (status, body, url) == (200, public_csv, public_url)
    assert b"4242" not in body
    # At the minute: the new revision's file, already built (no file is added by the request).
    clock.set(at)
    status, body, url = _file(client, "99101", "csv")
    assert status == 200 and url != public_url and b"4242" in body
    assert {n for n in _built(app, "99101") if not n.startswith(".lock-")} <= both
    with client.get(public_url) as gone:
        assert gone.status_code == 404
