"""Faults the portal must ride out (issue 16): Redis that refuses or never answers, a database that
never answers, a SQLite write lock held by someone else, and many writers at once on SQLite.

The broken servers are real sockets on 127.0.0.1 written here: a closed port (refuses) and a listener
that accepts and never says a word. Every test is bounded by an alarm, so a hang fails the test instead
of stalling the run; the tests assert statuses and completion, the durations are in
bench/sqlite_writers.py."""

from __future__ import annotations

import logging
import selectors
import signal
import socket
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from portal.accounts.models import ApiToken
from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.cache import RedisCache
from portal.kernel.db import Database, Timeouts, is_unavailable
from portal.programme.models import Producer, Statistic
from tests.conftest import bearer, make_token, migrate_and_seed

# Its servers and commands run on their own SQLite databases: CI's PostgreSQL run leaves those out.
pytestmark = pytest.mark.own_portal

GUARD_SECONDS = 150


@pytest.fixture(autouse=True)
def _alarm() -> Iterator[None]:
    """Fail, never hang: SIGALRM interrupts whatever the main thread waits on."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"the test ran past {GUARD_SECONDS} s: something hangs")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def closed_port() -> int:
    """A loopback port nobody listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def silent_server() -> Iterator[int]:
    """A loopback listener that accepts every connection and never sends a byte; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.setblocking(False)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def serve() -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            while not stop.is_set():
                for _ in selector.select(timeout=0.1):
                    try:
                        connection, _ = listener.accept()
                    except BlockingIOError:
                        continue
                    accepted.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """``app`` behind werkzeug's threaded server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the programme and the demo accounts; tests write to copies."""
    path = tmp_path_factory.mktemp("faults") / "template.sqlite3"
    migrate_and_seed(f"sqlite:///{path}")
    return path


def sqlite_copy(template: Path, folder: Path) -> str:
    """A private copy of ``template`` (through SQLite's backup, so the WAL comes along); its URL."""
    path = folder / "portal.sqlite3"
    with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
        source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{path}"


def sqlite_app(template: Path, tmp_path: Path, **overrides: Any) -> Flask:
    return create_app(
        {
            "DATABASE_URL": sqlite_copy(template, tmp_path),
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            **overrides,
        }
    )


def statistic_of(app: Flask, producer: str) -> str:
    with get_database(app).sessions() as session:
        slug = session.scalar(
            select(Statistic.slug)
            .join(Producer, Statistic.producer_id == Producer.id)
            .where(Producer.slug == producer)
            .order_by(Statistic.slug)
            .limit(1)
        )
    assert slug, producer
    return slug


# Redis -----------------------------------------------------------------------------------------------


def _serves_without_redis(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = app.test_client()
    answers = [client.get("/api/v1/producers") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    # Counted in this process's memory with the configured limit: the fourth call is over it.
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert client.get("/api/v1/search?q=kpi").status_code == 429
    # Pages and feeds are outside the "api" limit and go through the cache, which stands in too.
    assert client.get("/").status_code == 200
    assert client.get("/feeds/releases.ics").status_code == 200
    assert client.get("/feeds/releases.ics").status_code == 200
    assert client.get("/healthz").status_code == 200
    limiter_warnings = [
        r for r in caplog.records if r.name == "flask-limiter" and r.levelno == logging.WARNING
    ]
    cache_warnings = [
        r
        for r in caplog.records
        if r.name == "portal.kernel.cache" and r.levelno == logging.WARNING
    ]
    assert len(limiter_warnings) == 1, [r.getMessage() for r in limiter_warnings]
    assert len(cache_warnings) == 1, [r.getMessage() for r in cache_warnings]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _redis_app(app_config: dict[str, object], port: int) -> Flask:
    return create_app(
        {
            **app_config,
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "REDIS_TIMEOUT": 0.3,
            "RATELIMIT_ENABLED": True,
            "RATELIMITS": {"api": "3 per minute"},
        }
    )


def test_redis_that_refuses_leaves_limits_per_process_and_the_portal_serving(
    app_config: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    _serves_without_redis(_redis_app(app_config, closed_port()), caplog)


def test_redis_that_never_answers_leaves_limits_per_process_and_the_portal_serving(
    app_config: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with silent_server() as port:
        _serves_without_redis(_redis_app(app_config, port), caplog)


def test_the_cache_stands_in_for_redis_and_warns_once_an_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="portal.kernel.cache")
    cache = RedisCache(f"redis://127.0.0.1:{closed_port()}/0", timeout=0.2, retry_seconds=0.5)
    assert cache.get("feed") is None
    cache.set("feed", b"body", ttl_seconds=60)
    assert [cache.get("feed") for _ in range(20)] == [b"body"] * 20
    assert len(caplog.records) == 1
    time.sleep(0.6)  # the interval is over: Redis is tried again, still fails, one more warning
    assert cache.get("feed") == b"body"
    assert len(caplog.records) == 2


# The database ----------------------------------------------------------------------------------------


def test_a_database_that_never_answers_gives_503_and_does_not_stop_the_start(
    tmp_path: Path,
) -> None:
    pytest.importorskip("psycopg", reason="psycopg is not installed: no PostgreSQL driver to test")
    with silent_server() as port:
        app = create_app(
            {
                "DATABASE_URL": f"postgresql+psycopg://portal@127.0.0.1:{port}/portal",
                "DATABASE_CONNECT_TIMEOUT": 2,
                "INSTANCE_DIR": str(tmp_path / "instance"),
                "SECRET_KEY": "test-secret-key",
                "RATELIMIT_ENABLED": False,
                "LOG_LEVEL": "WARNING",
            }
        )
        client = app.test_client()
        api = client.get("/api/v1/statistics")
        assert api.status_code == 503
        assert api.mimetype == "application/problem+json"
        assert api.json["title"] == "Service Unavailable"
        assert "database does not answer" in api.json["detail"]
        with_token = client.get("/api/v1/statistics", headers={"Authorization": "Bearer spt_x"})
        assert with_token.status_code == 503
        page = client.get("/statistikk")
        assert page.status_code == 503
        assert page.mimetype in {"text/html", "text/plain"}
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["database"] == "unreachable"


def _postgresql_url() -> str:
    pytest.importorskip("psycopg", reason="psycopg is not installed: no PostgreSQL driver to test")
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        pytest.skip("no PostgreSQL answers on 127.0.0.1:5432")
    return "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_postgresql_requests_have_a_statement_timeout_and_the_cli_has_none() -> None:
    db = Database(_postgresql_url(), Timeouts(statement=0.5))
    try:
        with db.request_session(writes=False) as session:
            assert session.scalar(text("SHOW statement_timeout")) == "500ms"
            with pytest.raises(OperationalError) as raised:
                session.execute(text("SELECT pg_sleep(5)"))
            assert is_unavailable(raised.value)
        with db.session() as session:
            assert session.scalar(text("SHOW statement_timeout")) == "0"
    finally:
        db.dispose()


def test_only_busy_or_unreachable_database_errors_are_503(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        with db.request_session(writes=False) as session:
            with pytest.raises(OperationalError) as raised:
                session.execute(text("SELECT * FROM no_such_table"))
        assert not is_unavailable(raised.value)  # a fault in the query: 500, not 503
    finally:
        db.dispose()


# SQLite ----------------------------------------------------------------------------------------------


@contextmanager
def write_lock(url: str) -> Iterator[sqlite3.Connection]:
    """Another process's writer: holds SQLite's write lock until the block ends (then commits)."""
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE calendar_revision SET revision = revision + 1")
        yield connection
        connection.execute("COMMIT")
    finally:
        connection.close()


def test_a_held_write_lock_blocks_writers_not_readers_and_past_the_timeout_is_503(
    sqlite_template: Path, tmp_path: Path
) -> None:
    app = sqlite_app(sqlite_template, tmp_path, DATABASE_BUSY_TIMEOUT=0.5)
    token = make_token(app, "ssb")
    slug = statistic_of(app, "ssb")
    client = app.test_client()
    with write_lock(app.config["DATABASE_URL"]):
        read = client.get(f"/api/v1/statistics/{slug}", headers=bearer(token))
        assert (
            read.status_code == 200
        )  # WAL: a reader never waits, and the token's bookkeeping is skipped
        patch = client.patch(
            f"/api/v1/statistics/{slug}", json={"description_en": "x"}, headers=bearer(token)
        )
        assert patch.status_code == 503
        assert patch.mimetype == "application/problem+json"
        assert "database does not answer" in patch.json["detail"]
    with get_database(app).sessions() as session:
        assert session.get(ApiToken, token.id).last_used_at is None
    again = client.patch(
        f"/api/v1/statistics/{slug}", json={"description_en": "y"}, headers=bearer(token)
    )
    assert again.status_code == 200
    with get_database(app).sessions() as session:
        assert session.get(ApiToken, token.id).last_used_at is not None
    get_database(app).dispose()


def test_a_writer_waits_for_the_lock_instead_of_failing(
    sqlite_template: Path, tmp_path: Path
) -> None:
    app = sqlite_app(sqlite_template, tmp_path)
    token = make_token(app, "nav")
    slug = statistic_of(app, "nav")
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with write_lock(app.config["DATABASE_URL"]):
            held.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert held.wait(timeout=30)
        threading.Timer(1.0, release.set).start()
        answer = app.test_client().patch(
            f"/api/v1/statistics/{slug}", json={"description_en": "waited"}, headers=bearer(token)
        )
        assert answer.status_code == 200, answer.text
    finally:
        release.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    get_database(app).dispose()


WRITE_SECONDS = 10.0


def test_six_writers_of_three_producers_get_no_server_errors(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """Issue 16: 6 threads PATCHing on SQLite got 500 "database is locked" for 36 of 150 writes. Here
    2 threads for each of 3 producers write for 10 s through a served app on a SQLite file, while a
    fourth producer imports schedules; 409 and 412 are fine, 5xx is not."""
    app = sqlite_app(sqlite_template, tmp_path)
    producers = ("ssb", "nav", "fhi")
    tokens = {p: make_token(app, p) for p in (*producers, "nve")}
    slugs = {p: statistic_of(app, p) for p in (*producers, "nve")}
    answers: list[tuple[str, str, int]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def record(kind: str, producer: str, status: int) -> None:
        with lock:
            answers.append((kind, producer, status))

    def writer(base: str, producer: str, number: int, deadline: float) -> None:
        url = f"{base}/api/v1/statistics/{slugs[producer]}"
        etag = None
        step = 0
        try:
            with requests.Session() as http:
                while time.monotonic() < deadline:
                    step += 1
                    headers = bearer(tokens[producer])
                    if step % 4 == 0:
                        answer = http.get(url, headers=headers, timeout=90)
                        record("get", producer, answer.status_code)
                    else:
                        if etag and step % 2:
                            headers["If-Match"] = etag
                        body = {"description_en": f"writer {number} step {step}"}
                        answer = http.patch(url, json=body, headers=headers, timeout=90)
                        record("patch", producer, answer.status_code)
                    etag = answer.headers.get("ETag", etag)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            failures.append(error)

    def importer(base: str, deadline: float) -> None:
        start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=125)
        round_ = 0
        try:
            with requests.Session() as http:
                while time.monotonic() < deadline:
                    body = [
                        {
                            "statistic": slugs["nve"],
                            "title_nb": f"Import {round_}.{n}",
                            "title_en": f"Import {round_}.{n}",
                            "kind": "new-figures",
                            # A day each: the same new figures twice would be a duplicate.
                            "period_start": f"{2100 + round_}-{n // 28 + 1:02}-{n % 28 + 1:02}",
                            "period_end": f"{2100 + round_}-{n // 28 + 1:02}-{n % 28 + 1:02}",
                            "period_label_nb": "januar 2027",
                            "period_label_en": "January 2027",
                            "release_at": (start + timedelta(days=round_, minutes=n)).isoformat(),
                            "precision": "exact",
                            "confirmed": True,
                        }
                        for n in range(100)
                    ]
                    answer = http.post(
                        f"{base}/api/v1/releases/schedule",
                        json=body,
                        headers=bearer(tokens["nve"]),
                        timeout=90,
                    )
                    record("import", "nve", answer.status_code)
                    round_ += 1
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            failures.append(error)

    with served(app) as base:
        deadline = time.monotonic() + WRITE_SECONDS
        threads = [
            threading.Thread(target=writer, args=(base, producers[n % 3], n, deadline))
            for n in range(6)
        ]
        threads.append(threading.Thread(target=importer, args=(base, deadline)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WRITE_SECONDS + 100)
        assert not [t for t in threads if t.is_alive()], "a writer hangs"
    get_database(app).dispose()
    assert not failures, failures
    statuses = Counter((kind, status) for kind, _, status in answers)
    server_errors = {key: count for key, count in statuses.items() if key[1] >= 500}
    assert not server_errors, statuses
    assert set(statuses) <= {
        ("patch", 200),
        ("patch", 409),
        ("patch", 412),
        ("get", 200),
        ("import", 201),
    }, statuses
    for producer in producers:
        assert ("patch", producer, 200) in answers, f"no write of {producer} got through"
    assert ("import", "nve", 201) in answers
