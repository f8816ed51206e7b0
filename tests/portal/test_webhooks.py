"""Webhooks and WebSub (issue 22) against real HTTP servers on loopback, started here: a producer's system
registers a webhook and gets signed events after a release's minute and never before, the signature
verifies with the secret and not over a tampered body, a failing target is retried with growing waits and
disabled, private targets are refused, tokens see only their producer's webhooks, and the WebSub hub is
pinged when an announcement changes the calendar's feeds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.kernel.clock import FixedClock
from portal.notify.worker import BACKOFF, MAX_ATTEMPTS, Settings, run_once
from tests.conftest import bearer, make_token
from tests.release_calendar.factories import announce_release, oslo

BASE = "https://statistikk.example.no"
SETTINGS = Settings("test-secret-key", BASE, "Statistikkportalen <varsler@example.no>")


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server on loopback that keeps what is POSTed to it and answers ``status``."""

    server: ThreadingHTTPServer
    status: int = 204
    got: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def take(self) -> list[Received]:
        with self.lock:
            found, self.got = self.got, []
        return found


def _serve() -> Iterator[Receiver]:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                receiver.got.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from _serve()


@pytest.fixture
def hub() -> Iterator[Receiver]:
    yield from _serve()


@pytest.fixture
def app_config(
    app_config: dict[str, object], receiver: Receiver, hub: Receiver
) -> dict[str, object]:
    return {
        **app_config,
        "WEBHOOK_ALLOWED_TARGETS": [receiver.target],
        "WEBHOOK_DISABLE_AFTER": 2,
        "WEBHOOK_TIMEOUT_SECONDS": 3,
        "WEBSUB_HUB": f"http://{hub.target}/hub",
    }


class NoMail:
    """No subscriber here gets e-mail; the worker's pass needs a sender all the same."""

    def send(self, message: EmailMessage) -> None:
        raise AssertionError("no e-mail expected")


def _run(app: Flask, clock: FixedClock) -> None:
    with app.app_context():
        run_once(get_database(app).sessions, NoMail(), SETTINGS, clock.now())


def _register(client: FlaskClient, app: Flask, receiver: Receiver, **body: object) -> dict:
    response = client.post(
        "/api/v1/webhooks",
        json={
            "url": f"http://{receiver.target}/hook",
            "topics": ["statistic:folkemengde"],
            "description": "Vår publiseringsrobot",
            **body,
        },
        headers=bearer(make_token(app, "ssb")),
    )
    assert response.status_code == 201, response.text
    return response.json


def _verifies(secret: str, received: Received) -> bool:
    """The Standard Webhooks check, written from the convention (not with the portal's code)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}.".encode()
        + received.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [s.removeprefix("v1,") for s in received.headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, g) for g in given)


def test_signed_events_after_the_release_minute_never_before(
    app: Flask, client: FlaskClient, clock: FixedClock, receiver: Receiver
) -> None:
    made = _register(client, app, receiver)
    assert made["secret"].startswith("whsec_")
    assert len(base64.b64decode(made["secret"].removeprefix("whsec_"))) >= 24
    token = bearer(make_token(app, "ssb", name="lister"))
    listed = client.get("/api/v1/webhooks", headers=token).json["items"]
    assert [w["id"] for w in listed] == [made["id"]]
    assert "secret" not in listed[0]

    clock.advance(timedelta(minutes=1))
    at = oslo(2027, 6, 10, 8, 0)
    announce_release(app, clock.now(), at, statistic="folkemengde")
    announce_release(app, clock.now(), oslo(2027, 6, 11, 8, 0), statistic="kpi")  # not subscribed
    _run(app, clock)
    [announced] = receiver.take()
    event = json.loads(announced.body)
    assert event["type"] == "release.announced"
    assert event["data"]["kind"] == "release.announced"
    assert "statistic:folkemengde" in event["data"]["topics"]
    assert set(event["data"]["title"]) == {"nb", "en"}
    assert event["data"]["url"]["nb"].startswith(BASE + "/")
    assert announced.headers["content-type"] == "application/json"
    assert int(announced.headers["webhook-timestamp"]) == int(clock.now().timestamp())
    assert _verifies(made["secret"], announced)
    tampered = Received(announced.headers, announced.body.replace(b"folkemengde", b"folkemengdx"))
    assert not _verifies(made["secret"], tampered)
    assert not _verifies("whsec_" + base64.b64encode(b"x" * 24).decode(), announced)

    # The release's minute: not a second early, then once.
    clock.set(at - timedelta(seconds=1))
    _run(app, clock)
    assert [json.loads(r.body)["type"] for r in receiver.take()] == []
    clock.set(at)
    _run(app, clock)
    [published] = receiver.take()
    assert json.loads(published.body)["type"] == "release.published"
    assert _verifies(made["secret"], published)
    assert published.headers["webhook-id"] != announced.headers["webhook-id"]
    clock.advance(timedelta(minutes=5))
    _run(app, clock)
    assert receiver.take() == []

    log = client.get(f"/api/v1/webhooks/{made['id']}/deliveries", headers=token).json["items"]
    assert [(d["event"], d["status"], d["attempts"], d["response_code"]) for d in log] == [
        ("release.published", "sent", 1, 204),
        ("release.announced", "sent", 1, 204),
    ]


def test_a_failing_target_is_retried_with_growing_waits_then_disabled(
    app: Flask, client: FlaskClient, clock: FixedClock, receiver: Receiver
) -> None:
    receiver.status = 500
    made = _register(client, app, receiver)
    clock.advance(timedelta(minutes=1))
    announce_release(app, clock.now(), oslo(2027, 6, 10, 8, 0), statistic="folkemengde")
    announce_release(app, clock.now(), oslo(2027, 7, 10, 8, 0), statistic="folkemengde")
    _run(app, clock)
    assert len(receiver.take()) == 2
    for wait in BACKOFF:
        clock.advance(wait - timedelta(seconds=1))
        _run(app, clock)
        assert receiver.take() == []  # not before its time
        clock.advance(timedelta(seconds=1))
        _run(app, clock)
        assert len(receiver.take()) == 2

    token = bearer(make_token(app, "ssb", name="lister"))
    [webhook] = client.get("/api/v1/webhooks", headers=token).json["items"]
    assert webhook["disabled_at"] is not None
    assert "500" in webhook["disabled_reason"] and "2" in webhook["disabled_reason"]
    nb = client.get("/api/v1/webhooks", headers={**token, "Accept-Language": "nb"}).json
    assert nb["items"][0]["disabled_reason"].startswith("Slått av etter 2 leveranser på rad")
    log = client.get(f"/api/v1/webhooks/{made['id']}/deliveries", headers=token).json["items"]
    assert [(d["status"], d["attempts"], d["response_code"]) for d in log] == [
        ("dead", MAX_ATTEMPTS, 500)
    ] * 2
    with get_database(app).sessions() as s:
        entry = s.scalar(
            select(AuditEntry).where(AuditEntry.entity == "webhook", AuditEntry.action == "disable")
        )
        assert entry is not None and entry.entity_id == str(made["id"])

    # Disabled: nothing more is sent, even to a target that works again.
    receiver.status = 204
    clock.advance(timedelta(minutes=1))
    announce_release(app, clock.now(), oslo(2027, 8, 10, 8, 0), statistic="folkemengde")
    clock.advance(timedelta(days=2))
    _run(app, clock)
    assert receiver.take() == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost:8443/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://224.0.0.251/hook",
        "http://93.184.215.14/hook",  # a public address, but not https
        "https://user:pass@93.184.215.14/hook",
    ],
)
def test_private_and_plain_targets_are_refused(
    app: Flask, client: FlaskClient, receiver: Receiver, url: str
) -> None:
    token = bearer(make_token(app, "ssb"))
    response = client.post(
        "/api/v1/webhooks", json={"url": url, "topics": ["calendar"]}, headers=token
    )
    assert response.status_code == 400, response.text
    assert response.mimetype == "application/problem+json"
    assert [e["pointer"] for e in response.json["errors"]] == ["/url"]
    assert client.get("/api/v1/webhooks", headers=token).json["items"] == []


def test_a_private_target_is_refused_in_norwegian(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/webhooks",
        json={"url": "https://10.0.0.1/", "topics": ["calendar"]},
        headers={**bearer(make_token(app, "ssb")), "Accept-Language": "nb"},
    )
    assert response.status_code == 400
    assert response.json["detail"].startswith("Adressen peker til et privat eller lokalt nett")


def test_a_token_sees_and_deletes_only_its_producers_webhooks(
    app: Flask, client: FlaskClient, receiver: Receiver
) -> None:
    made = _register(client, app, receiver)
    one = f"/api/v1/webhooks/{made['id']}"
    for method, path in [
        ("POST", "/api/v1/webhooks"),
        ("GET", "/api/v1/webhooks"),
        ("GET", one),
        ("DELETE", one),
        ("GET", f"{one}/deliveries"),
    ]:
        response = client.open(path, method=method, json={"url": "x", "topics": []})
        assert response.status_code == 401, (method, path)
    nav = bearer(make_token(app, "nav"))
    assert client.get("/api/v1/webhooks", headers=nav).json["items"] == []
    for method, path in [("GET", one), ("DELETE", one), ("GET", f"{one}/deliveries")]:
        response = client.open(path, method=method, headers=nav)
        assert response.status_code == 403, (method, path)
        assert response.mimetype == "application/problem+json"
    ssb = bearer(make_token(app, "ssb", name="another system of SSB"))
    assert client.delete(one, headers=ssb).status_code == 204
    assert client.get(one, headers=ssb).status_code == 404
    assert client.get("/api/v1/webhooks", headers=ssb).json["items"] == []


def test_feeds_name_the_hub_and_the_hub_is_pinged_when_they_change(
    app: Flask, client: FlaskClient, clock: FixedClock, hub: Receiver
) -> None:
    hub_url = f"http://{hub.target}/hub"
    for path in ("/feeds/releases.atom", "/feeds/releases.rss", "/feeds/changes.atom"):
        response = client.get(path)
        assert response.status_code == 200
        assert f'<{hub_url}>; rel="hub"' in response.headers.getlist("Link")
        assert f'<http://localhost{path}>; rel="self"' in response.headers.getlist("Link")
        assert f'href="{hub_url}" rel="hub"' in response.text, path

    announce_release(app, clock.now(), oslo(2027, 6, 10, 8, 0), statistic="folkemengde")
    announce_release(app, clock.now(), oslo(2027, 7, 10, 8, 0), statistic="folkemengde")
    _run(app, clock)
    pings = [parse_qs(r.body.decode()) for r in hub.take()]
    assert all(p["hub.mode"] == ["publish"] for p in pings)
    urls = [p["hub.url"][0] for p in pings]
    assert len(urls) == len(set(urls))  # one ping per feed in a pass
    for url in (
        f"{BASE}/feeds/releases.atom",
        f"{BASE}/feeds/releases.rss?lang=en",
        f"{BASE}/feeds/changes.atom",
        f"{BASE}/feeds/releases.atom?statistic=folkemengde",
        f"{BASE}/feeds/releases.rss?producer=ssb&lang=en",
    ):
        assert url in urls
    clock.advance(timedelta(minutes=1))
    _run(app, clock)
    assert hub.take() == []  # nothing changed since


def test_feeds_without_a_hub_name_none(app: Flask, client: FlaskClient) -> None:
    app.config["WEBSUB_HUB"] = None
    response = client.get("/feeds/releases.rss?lang=en")
    assert 'rel="hub"' not in response.text
    assert not any('rel="hub"' in link for link in response.headers.getlist("Link"))
