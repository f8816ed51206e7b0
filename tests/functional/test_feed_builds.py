"""Issue 23, "feeds built once, not per write": after a calendar write, twenty requests for the same stale
feed at once (real threads lined up by a barrier, each with its own test client) make one build between
them, whether they share one worker's memory cache or Redis across two app instances (two machines);
and that build renders only the release the write changed. The same for pages: twenty requests for a
page the cache lacks make one render.

The suite's usual ``app`` fixture serialises every session on one connection, so these run on an app of
their own on a fresh database (``race_url``, conftest.py)."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, template_rendered
from sqlalchemy import func, select

from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.cache import RedisCache
from portal.kernel.clock import FixedClock
from release_calendar import service
from release_calendar.models import Release
from release_calendar.rules import Precision, Reason
from tests.conftest import START
from tests.release_calendar.factories import actor_for, announcement

ASKERS = 20
DEADLINE = 60.0
FEED = "/feeds/releases.ics"


@pytest.fixture
def apps(race_url: str, tmp_path: Path) -> Iterator[list[Flask]]:
    """Two app instances on one database, as two machines, each with its own instance folder."""
    made = [
        create_app(
            {
                "DATABASE_URL": race_url,
                "INSTANCE_DIR": str(tmp_path / f"instance-{n}"),
                "SECRET_KEY": "test-secret-key",
                "CLOCK": FixedClock(START),
                "RATELIMIT_ENABLED": False,
                "LOG_LEVEL": "WARNING",
            }
        )
        for n in range(2)
    ]
    yield made
    for app in made:
        get_database(app).dispose()


def _announce(app: Flask, count: int) -> list[int]:
    with get_database(app).sessions() as s:
        ssb = actor_for(s, "ssb")
        ids = [
            service.announce(s, ssb, announcement(START + timedelta(days=120 + n)), START).id
            for n in range(count)
        ]
        s.commit()
    return ids


def _edit(app: Flask, release_id: int) -> None:
    with get_database(app).sessions() as s:
        change = service.DateChange(
            START + timedelta(days=200),
            Precision.EXACT,
            Reason.LATE_DATA,
            "Dataene kom sent.",
        )
        service.reschedule(
            s, actor_for(s, "ssb"), release_id, change, expected_version=None, now=START
        )
        s.commit()


def _ask_at_once(apps: list[Flask], path: str) -> list[bytes]:
    """GET ``path`` from ASKERS threads at once, spread over ``apps``; every answer's body."""
    barrier = threading.Barrier(ASKERS)
    bodies: list[bytes] = []
    failures: list[BaseException] = []

    def ask(n: int) -> None:
        client = apps[n % len(apps)].test_client()
        try:
            barrier.wait(timeout=DEADLINE)
            answer = client.get(path)
            assert answer.status_code == 200, answer.status_code
            bodies.append(answer.get_data())
        except BaseException as exc:  # noqa: BLE001  (reported below, in the test's thread)
            failures.append(exc)

    threads = [threading.Thread(target=ask, args=(n,), daemon=True) for n in range(ASKERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DEADLINE
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"a request still runs after {DEADLINE} s"
    assert not failures, failures
    return bodies


def _builds(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = [r.getMessage() for r in caplog.records if r.name == "release_calendar.feed_build"]
    caplog.clear()
    return found


def _one_build_per_write(apps: list[Flask], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="release_calendar.feed_build")
    ids = _announce(apps[0], 60)
    with get_database(apps[0]).sessions() as s:
        total = s.scalar(
            select(func.count(Release.id))
        )  # the module's database: earlier tests' too
    bodies = _ask_at_once(apps, FEED)
    assert len(set(bodies)) == 1 and bodies[0].count(b"BEGIN:VEVENT") == total
    assert _builds(caplog) == [f"Built the ics feed (nb): {total} releases, {total} rendered"]
    _edit(apps[-1], ids[7])
    bodies = _ask_at_once(apps, FEED)
    assert len(set(bodies)) == 1 and b"SEQUENCE:1" in bodies[0]
    assert _builds(caplog) == [f"Built the ics feed (nb): {total} releases, 1 rendered"]


def test_twenty_requests_after_a_write_make_one_build_in_one_worker(
    apps: list[Flask], caplog: pytest.LogCaptureFixture
) -> None:
    _one_build_per_write(apps[:1], caplog)


@pytest.mark.redis
def test_twenty_requests_on_two_machines_make_one_build_through_redis(
    apps: list[Flask], caplog: pytest.LogCaptureFixture
) -> None:
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if not url:
        pytest.skip("PORTAL_TEST_REDIS_URL is not set: no Redis to test against")
    prefix = f"test:{uuid.uuid4().hex}:"
    for app in apps:
        app.extensions["portal.cache"] = RedisCache(url, prefix=prefix)
    _one_build_per_write(apps, caplog)


# Pages (the page cache renders one answer per key at a time)


def _one_render_per_write(apps: list[Flask]) -> None:
    renders: list[str] = []
    lock = threading.Lock()

    def rendered(sender: Flask, template: Any, context: Any, **extra: Any) -> None:
        with lock:
            renders.append(template.name)

    for app in apps:
        template_rendered.connect(rendered, app)
    try:
        ids = _announce(apps[0], 1)
        bodies = _ask_at_once(apps, PAGE)
        assert len(set(bodies)) == 1
        assert len(renders) == 1, renders
        renders.clear()
        _edit(apps[-1], ids[0])  # a write: every page gets a new key
        bodies = _ask_at_once(apps, PAGE)
        assert len(set(bodies)) == 1 and len(renders) == 1, renders
    finally:
        for app in apps:
            template_rendered.disconnect(rendered, app)


PAGE = "/statistikk/kpi"


def test_twenty_requests_for_a_missing_page_make_one_render_in_one_worker(
    apps: list[Flask],
) -> None:
    _one_render_per_write(apps[:1])


@pytest.mark.redis
def test_twenty_requests_on_two_machines_make_one_render_through_redis(apps: list[Flask]) -> None:
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if not url:
        pytest.skip("PORTAL_TEST_REDIS_URL is not set: no Redis to test against")
    prefix = f"test:{uuid.uuid4().hex}:"
    for app in apps:
        app.extensions["portal.page_cache"] = RedisCache(url, prefix=prefix)
    _one_render_per_write(apps)
