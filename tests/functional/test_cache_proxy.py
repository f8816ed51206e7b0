"""Issue 23: a real caching proxy in front of the portal across a release minute. Varnish (Debian's
package, run unprivileged on loopback with the VCL of docs/varnish/portal.vcl) in front of a portal
served by werkzeug on its own SQLite database, on the system clock, so that Varnish's ageing and the
release time run on the same time. A confirmed release goes out a few seconds ahead; its page and
its API answer are fetched through Varnish from 3 s before to 8 s after: Varnish serves cached copies,
no answer before the minute shows the release's note, and every answer from 5 s after (the
``stale-while-revalidate`` bound) plus a margin does."""

from __future__ import annotations

import math
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.freshness import STALE_WHILE_REVALIDATE
from tests.conftest import migrate_and_seed
from tests.release_calendar.factories import announce_release

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "docs" / "varnish" / "portal.vcl"
VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")
SECRET_NOTE = "KPI steg 0,3 prosent"

#: How long after the bound an answer may still be on its way (a render, a background fetch).
MARGIN = timedelta(seconds=1)

pytestmark = [
    # Its portal runs on a SQLite database of its own: CI's PostgreSQL run leaves it out.
    pytest.mark.own_portal,
    pytest.mark.skipif(
        VARNISHD is None,
        reason="varnishd is not installed (Debian's varnish package): no caching proxy to test through",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(app: Flask) -> Iterator[int]:
    """``app`` behind werkzeug's threaded server on a free loopback port; yields the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@contextmanager
def varnish(backend_port: int, folder: Path) -> Iterator[str]:
    """varnishd in the foreground with the documented VCL pointed at ``backend_port``; its base URL."""
    assert VARNISHD is not None
    vcl = folder / "portal.vcl"
    text = VCL.read_text()
    assert '.port = "8000";' in text
    vcl.write_text(text.replace('.port = "8000";', f'.port = "{backend_port}";'))
    port = free_port()
    log = (folder / "varnishd.log").open("wb")
    process = subprocess.Popen(
        [
            VARNISHD,
            "-F",
            "-n",
            str(folder / "work"),
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-s",
            "malloc,32m",
            "-j",
            "none",
            "-T",
            "none",
            "-p",
            "thread_pool_min=5",
            "-p",
            "thread_pools=1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60  # the VCL is compiled with cc first
        while True:
            if process.poll() is not None:
                log.flush()
                raise AssertionError(
                    "varnishd stopped: " + (folder / "varnishd.log").read_text()[-2000:]
                )
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise AssertionError("varnishd did not listen within 60 s")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


@dataclass(frozen=True)
class Seen:
    path: str
    sent: datetime
    received: datetime
    status: int
    shows: bool
    age: int
    hit: bool


def fetch(base: str, path: str) -> Seen:
    sent = datetime.now(UTC)
    answer = requests.get(base + path, timeout=10)
    received = datetime.now(UTC)
    return Seen(
        path=path,
        sent=sent,
        received=received,
        status=answer.status_code,
        shows=SECRET_NOTE in answer.text,
        age=int(answer.headers.get("Age", "0")),
        # X-Varnish holds two request ids on a hit (this one and the one that filled the cache)
        hit=len(answer.headers.get("X-Varnish", "").split()) == 2,
    )


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Flask]:
    """A portal on its own SQLite database with the demo programme, on the system clock."""
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    migrate_and_seed(url, accounts=False)
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    yield app
    get_database(app).dispose()


def test_varnish_never_shows_a_release_early_nor_holds_it_back(
    portal: Flask, tmp_path: Path
) -> None:
    with served(portal) as app_port, varnish(app_port, tmp_path) as base:
        # The release goes out on a whole second a few seconds ahead, in real time.
        now = datetime.now(UTC)
        release_at = datetime.fromtimestamp(math.ceil(now.timestamp()) + 5, UTC)
        release_id = announce_release(portal, now, release_at, late_justification="Test.")
        paths = (f"/kalender/{release_id}", f"/api/v1/releases/{release_id}")
        start, end = release_at - timedelta(seconds=3), release_at + timedelta(seconds=8)
        while datetime.now(UTC) < start:
            time.sleep(0.05)
        seen: list[Seen] = []
        while datetime.now(UTC) < end:
            seen.extend(fetch(base, path) for path in paths)
            time.sleep(0.2)

    assert all(s.status == 200 for s in seen), [s for s in seen if s.status != 200]
    early = [s for s in seen if s.received < release_at and s.shows]
    assert not early, early
    bound = release_at + timedelta(seconds=STALE_WHILE_REVALIDATE) + MARGIN
    late = [s for s in seen if s.sent >= bound and not s.shows]
    assert not late, late
    assert sum(s.sent >= bound for s in seen) >= 4, "too few answers after the bound to tell"
    # Varnish answered from its cache before the minute and after it
    for path in paths:
        before = [s for s in seen if s.path == path and s.received < release_at]
        after = [s for s in seen if s.path == path and s.sent >= release_at]
        assert any(s.hit and s.age >= 1 for s in before + after), path
        assert any(s.hit for s in before) and any(s.hit for s in after), path
        assert any(s.shows for s in after), path
