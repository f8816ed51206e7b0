"""Remotes that fail in the ways that froze the portal (issue 16): one that accepts and hangs, one that
sends a byte every few seconds (after its headers, or even within them), one that answers junk, one that
answers 500. Each request gets its 502, 503 or 504 instead of hanging; a failing remote trips the
breaker; a served portal answers /healthz while 12 requests wait on a hanging remote; and
`portal remotes sync` records a failing remote's error and carries on.

The tests assert statuses and completion, never durations: a request that did not end by its deadline
would run past the per-test alarm (a trickling remote's body alone takes 160 s) and fail the test.
bench/remote_faults.py times the same scenarios."""

from __future__ import annotations

import shutil
import signal
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.http.db import get_database
from portal.programme.models import Producer, Statistic
from pxbridge.models import RemoteSource
from pxbridge.remotes.bridge import HttpRemote, register, sync
from pxbridge.remotes.exchange import _tls_context
from pxbridge.remotes.guard import GuardLimits, RemoteGuard, RemoteRefused, RemoteUnavailable
from pxbridge.remotes.interfaces import RemoteFailure
from tests.conftest import START
from tests.pxbridge.faulty_remote import (
    DATA,
    MIRRORED,
    TABLE,
    FaultyRemote,
    faulty_remote,
    prepare_instance,
    served_portal,
)

# Its servers and commands run on their own SQLite databases: CI's PostgreSQL run leaves those out.
pytestmark = pytest.mark.own_portal

#: Longest any test here may take before it counts as a hang.
ALARM_SECONDS = 45


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    def _fire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the test ran past {ALARM_SECONDS} s: something hangs")

    previous = signal.signal(signal.SIGALRM, _fire)
    signal.alarm(ALARM_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def remote() -> Iterator[FaultyRemote]:
    with faulty_remote() as server:
        yield server


def _register(app: Flask, base_url: str, prefix: str = "f") -> int:
    with get_database(app).sessions() as s:
        ssb = s.scalar(select(Producer).where(Producer.slug == "ssb"))
        statistic = s.scalar(select(Statistic).where(Statistic.slug == "folkemengde"))
        assert ssb and statistic
        source = register(
            s,
            producer_id=ssb.id,
            statistic_id=statistic.id,
            name="faulty",
            base_url=base_url,
            prefix=prefix,
            language="no",
            now=START,
        )
        assert sync(s, source, HttpRemote(base_url, "no", timeout=5), START) == 1
        s.commit()
        return source.id


def _last_error(app: Flask, source_id: int) -> str:
    with get_database(app).sessions() as s:
        found = s.get(RemoteSource, source_id)
        assert found is not None
        return found.last_error


def test_each_fault_gets_its_status_instead_of_a_hang(
    app: Flask, client: FlaskClient, remote: FaultyRemote
) -> None:
    _register(app, remote.root)
    app.config.update(REMOTE_TIMEOUT_SECONDS=1.5, REMOTE_BREAKER_FAILURES=100)
    good = client.get(DATA.format(year="2024"))  # gzip-encoded by the remote
    assert good.status_code == 200, good.text
    assert good.json["value"] == [1000, 1001]
    cases = [
        ("hang", 504),
        ("trickle", 504),  # headers at once, then a byte every 0.4 s of a 400-byte body
        ("trickle-headers", 504),  # a byte every 0.4 s from the status line on
        ("junk", 502),  # an HTML page with 200
        ("shape", 502),  # JSON, but no dataset
        ("error", 502),  # 500, retried within the deadline
    ]
    for year, (mode, status) in zip(("2022", "2023") * 3, cases, strict=True):
        remote.mode = mode
        answer = client.get(DATA.format(year=year))
        assert (answer.status_code, answer.mimetype) == (status, "application/problem+json"), (
            mode,
            answer.text,
        )
        assert answer.json["status"] == status
    # Junk is never cached: the remote recovered, the same selection ("shape" answered it) is 200.
    remote.mode = "ok"
    assert client.get(DATA.format(year="2022")).status_code == 200
    remote.mode = "hang"
    # And a table page shows an error page, not a hang.
    page = client.get(f"/tabeller/{MIRRORED}?v-Tid=2023&v-Region=0&v-ContentsCode=Folkemengde")
    assert page.status_code == 504 and page.mimetype == "text/html"


def test_the_breaker_opens_after_failures_and_a_good_trial_closes_it(
    app: Flask, client: FlaskClient, remote: FaultyRemote
) -> None:
    _register(app, remote.root)
    app.config.update(REMOTE_TIMEOUT_SECONDS=2, REMOTE_BREAKER_FAILURES=2, REMOTE_BREAKER_SECONDS=1)
    remote.mode = "error"
    assert [client.get(DATA.format(year="2022")).status_code for _ in range(2)] == [502, 502]
    asked = len(remote.hits)
    refused = client.get(DATA.format(year="2022"))
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
    assert refused.mimetype == "application/problem+json"
    assert len(remote.hits) == asked  # open: the remote is not asked at all
    time.sleep(1.1)  # the cool-down; then one trial, which fails and opens the breaker again
    assert client.get(DATA.format(year="2022")).status_code == 502
    assert client.get(DATA.format(year="2022")).status_code == 503
    remote.mode = "ok"
    time.sleep(1.1)
    assert client.get(DATA.format(year="2022")).status_code == 200  # the trial succeeds
    assert client.get(DATA.format(year="2023")).status_code == 200  # closed again


def test_a_remote_admits_only_so_many_requests_at_once() -> None:
    """Unit: the slots and the breaker of one remote, with a clock the test moves."""
    now = [100.0]
    guard = RemoteGuard("r", GuardLimits(1, 0.05, 2, 30.0), monotonic=lambda: now[0])
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with guard.admit(now[0] + 10):
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert inside.wait(10)
    with pytest.raises(RemoteUnavailable) as busy:
        with guard.admit(now[0] + 10):
            pass
    assert busy.value.status == 503 and busy.value.headers["Retry-After"] == "1"
    release.set()
    holder.join(10)
    assert not holder.is_alive()
    # A refusal is a working remote; two failures in a row open the breaker for 30 s.
    for failure in (RemoteRefused("404"), RemoteFailure(504, "slow"), RemoteFailure(502, "down")):
        with pytest.raises(RemoteFailure):
            with guard.admit(now[0] + 10):
                raise failure
    assert guard.is_open
    with pytest.raises(RemoteUnavailable) as open_:
        with guard.admit(now[0] + 10):
            pass
    assert open_.value.headers["Retry-After"] == "30"
    now[0] += 30
    with guard.admit(now[0] + 10):  # half-open: one trial; a second caller meanwhile gets 503
        with pytest.raises(RemoteUnavailable):
            with guard.admit(now[0] + 10):
                pass
    assert not guard.is_open


def test_the_deadline_bounds_the_whole_answer_and_the_retries(remote: FaultyRemote) -> None:
    client = HttpRemote(remote.root, "no", timeout=1.0, retries=5)
    for mode in ("hang", "trickle", "trickle-headers"):
        remote.mode = mode
        with pytest.raises(RemoteFailure) as failure:
            client.data(TABLE, {"Tid": ["2022"]})
        assert failure.value.status == 504, mode
    remote.mode = "error"
    remote.reset_counts()
    with pytest.raises(RemoteFailure) as failure:
        client.tables()
    # Retries back off 0.2, 0.4, 0.6 … s: within 1 s at most three tries fit, never six.
    assert failure.value.status == 502 and 1 <= len(remote.hits) <= 3
    remote.mode = "junk"
    with pytest.raises(RemoteFailure) as failure:
        client.tables()
    assert failure.value.status == 502 and "JSON" in failure.value.detail
    closed = HttpRemote("http://127.0.0.1:9/api", "no", timeout=1.0)
    with pytest.raises(RemoteFailure) as failure:
        closed.tables()
    assert failure.value.status == 502


def test_the_deadline_holds_over_tls(tmp_path: Path) -> None:
    """The same deadline through TLS (real remotes are https): a self-signed certificate for
    127.0.0.1, trusted by this test process only."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=30,
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    with faulty_remote(tls=server) as remote:
        untrusted = HttpRemote(remote.root, "no", timeout=2.0)
        with pytest.raises(RemoteFailure) as failure:
            untrusted.tables()
        assert failure.value.status == 502 and "CERTIFICATE" in failure.value.detail.upper()
        _tls_context().load_verify_locations(cert)
        client = HttpRemote(remote.root, "no", timeout=1.0)
        assert [t["id"] for t in client.tables()] == [TABLE]  # gzip over TLS
        for mode in ("hang", "trickle", "trickle-headers"):
            remote.mode = mode
            with pytest.raises(RemoteFailure) as failure:
                client.data(TABLE, {"Tid": ["2022"]})
            assert failure.value.status == 504, mode


def test_healthz_answers_while_12_requests_wait_on_a_hanging_remote(
    tmp_path: Path, remote: FaultyRemote
) -> None:
    """A real `portal serve` (gunicorn, one worker of 4 threads): 12 clients ask for a table of a
    remote that hangs. At most REMOTE_MAX_IN_FLIGHT of them wait on it; the others get 503; /healthz
    answers while the remote still holds requests, and every client gets its 503 or 504."""
    prepare_instance(tmp_path, remote.root, START)
    config = {
        "REMOTE_TIMEOUT_SECONDS": "5",
        "REMOTE_MAX_IN_FLIGHT": "2",
        "REMOTE_QUEUE_SECONDS": "0.2",
    }
    with served_portal(tmp_path, config) as base:
        remote.mode = "hang"
        remote.reset_counts()
        statuses: list[int] = []
        lock = threading.Lock()

        def ask(year: str) -> None:
            answer = requests.get(base + DATA.format(year=year), timeout=30)
            with lock:
                statuses.append(answer.status_code)

        clients = [
            threading.Thread(target=ask, args=(("2022", "2023", "2024")[i % 3],), daemon=True)
            for i in range(12)
        ]
        for thread in clients:
            thread.start()
        for _ in range(500):  # until the remote holds a request (at most 10 s)
            if remote.in_flight:
                break
            time.sleep(0.02)
        assert remote.in_flight >= 1
        health = requests.get(f"{base}/healthz", timeout=30)
        with lock:
            held_meanwhile, ended_meanwhile = remote.in_flight, list(statuses)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        # Answered while requests still waited on the remote, before any had run out its deadline
        # (without the cap, all four threads wait out the deadline first).
        assert held_meanwhile >= 1 and 504 not in ended_meanwhile
        for thread in clients:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in clients)
    assert sorted(set(statuses)) == [503, 504] and len(statuses) == 12
    assert remote.most_in_flight <= 2  # the cap: the rest were never let near the remote


def test_remotes_sync_records_a_failing_remote_and_carries_on(app: Flask) -> None:
    with faulty_remote() as failing, faulty_remote() as working:
        broken = _register(app, failing.root, prefix="x")
        fine = _register(app, working.root, prefix="y")
        failing.mode = "error"
        app.config["REMOTE_TIMEOUT_SECONDS"] = 2
        runner = app.test_cli_runner()
        with app.app_context():  # as the portal command gives it
            once = runner.invoke(args=["remotes", "sync"])
            assert once.exit_code == 1, once.output
            assert f"Remote {broken}: " in once.stderr and "answered 500" in once.stderr
            assert f"Remote {fine} ({working.root}): 1 tables mirrored." in once.stdout
            assert "answered 500" in _last_error(app, broken)
            assert _last_error(app, fine) == ""
            # A hanging remote: its own deadline, then the error recorded; --every goes on.
            failing.mode = "hang"
            twice = runner.invoke(args=["remotes", "sync", "--every", "1", "--passes", "2"])
            assert twice.exit_code == 1, twice.output
            assert twice.stdout.count("1 tables mirrored.") == 2  # the working one, both passes
            assert twice.stderr.count(f"Remote {broken}: ") == 2
            assert "did not answer within 2 s" in _last_error(app, broken)
            # Recovered: the error is cleared, the exit status 0.
            failing.mode = "ok"
            again = runner.invoke(args=["remotes", "sync", str(broken)])
            assert again.exit_code == 0, again.output
            assert _last_error(app, broken) == ""
            unknown = runner.invoke(args=["remotes", "sync", "999999"])
            assert unknown.exit_code == 1 and "There is no remote 999999" in unknown.output
