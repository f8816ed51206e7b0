"""A remote PxWebApi 2.0 on loopback that misbehaves on demand, a portal instance that mirrors it, and
that portal served by ``portal serve`` (gunicorn). Shared by tests/pxbridge/test_remote_faults.py and
bench/remote_faults.py, so the benchmark times exactly the scenarios the tests check.

Modes of :class:`FaultyRemote` (set ``remote.mode``):

- ``ok``: table 77001 (its list entry, JSON-stat 2.0 metadata, data for any selection), gzip when asked
- ``hang``: reads the request and never answers, until the client gives up or the server stops
- ``trickle``: sends the status line and headers, then the body (``trickle_bytes``, 400) one byte
  every ``trickle_every`` s (0.4)
- ``trickle-headers``: sends even the status line and headers one byte at a time
- ``junk``: 200 with an HTML error page (a proxy's, say)
- ``shape``: 200 with JSON that is no JSON-stat dataset
- ``error``: 500
"""

from __future__ import annotations

import gzip
import json
import select
import signal
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import select as sql_select

from portal.devserver import free_port, instance_env, serving

API = "/api/pxwebapi/v2"
TABLE = "77001"
MIRRORED = f"f{TABLE}"  # the id the portal files it under (prefix "f")
DIMENSIONS = {
    "Region": {"0": "Hele landet", "03": "Oslo"},
    "ContentsCode": {"Folkemengde": "Folkemengde"},
    "Tid": {"2022": "2022", "2023": "2023", "2024": "2024"},
}
#: A data request through the portal for the mirrored table; ``year`` varies it past the cache.
DATA = (
    f"{API}/tables/{MIRRORED}/data?valuecodes[Region]=*&valuecodes[ContentsCode]=Folkemengde"
    "&valuecodes[Tid]={year}"
)
#: Longest a handler holds a connection (hang, trickle), whatever the client does.
HOLD_SECONDS = 60.0
#: A trickled body's length: at 0.4 s a byte, 160 s, far past any test's alarm.
TRICKLE_BODY = 400


def _dataset(selection: dict[str, list[str]]) -> dict[str, Any]:
    ids = list(DIMENSIONS)
    dims = {}
    for code in ids:
        chosen = [c for c in DIMENSIONS[code] if c in selection.get(code, list(DIMENSIONS[code]))]
        dims[code] = {
            "label": code,
            "category": {
                "index": {c: i for i, c in enumerate(chosen)},
                "label": {c: DIMENSIONS[code][c] for c in chosen},
            },
        }
    sizes = [len(dims[c]["category"]["index"]) for c in ids]
    count = 1
    for size in sizes:
        count *= size
    return {
        "version": "2.0",
        "class": "dataset",
        "label": f"{TABLE}: Faulty population",
        "source": "Faulty remote",
        "updated": "2026-11-01T08:00:00Z",
        "id": ids,
        "size": sizes,
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": dims,
        "value": [1000 + i for i in range(count)],
        "extension": {"px": {"stub": ["Region"]}},
    }


class _Handler(BaseHTTPRequestHandler):
    server: FaultyRemote
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        remote = self.server
        remote.enter(self.path)
        try:
            mode = remote.mode
            if mode == "hang":
                self._hold()
            elif mode == "trickle":
                head = self._head(200, "application/json", remote.trickle_bytes)
                self._dribble(head, at_once=True)
            elif mode == "trickle-headers":
                head = self._head(200, "application/json", remote.trickle_bytes)
                self._dribble(head, at_once=False)
            elif mode == "junk":
                self._send(200, "text/html", b"<html><body><h1>502 Proxy Error</h1></body></html>")
            elif mode == "shape":
                self._send(200, "application/json", b'{"error": "no such thing"}')
            elif mode == "error":
                self._send(500, "text/plain", b"down")
            else:
                self._ok()
        finally:
            remote.leave()

    def _ok(self) -> None:
        path = self.path.split("?")[0]
        if path.endswith("/tables"):
            body: Any = {
                "tables": [
                    {
                        "id": TABLE,
                        "label": f"{TABLE}: Faulty population, by region and year",
                        "timeUnit": "Annual",
                        "firstPeriod": "2022",
                        "lastPeriod": "2024",
                        "updated": "2026-11-01T08:00:00Z",
                    }
                ],
                "page": {"pageNumber": 1, "pageSize": 500, "totalElements": 1, "totalPages": 1},
            }
        elif path.endswith(f"/tables/{TABLE}/metadata"):
            body = _dataset({})
            del body["value"]
        elif path.endswith(f"/tables/{TABLE}/data"):
            length = int(self.headers.get("Content-Length") or 0)
            asked = json.loads(self.rfile.read(length) or b"{}")
            body = _dataset({s["variableCode"]: s["valueCodes"] for s in asked["selection"]})
        else:
            self._send(404, "application/json", b'{"title": "Not found"}')
            return
        raw = json.dumps(body).encode()
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            self._send(200, "application/json", gzip.compress(raw), {"Content-Encoding": "gzip"})
        else:
            self._send(200, "application/json", raw)

    def _send(
        self, status: int, kind: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _head(self, status: int, kind: str, length: int) -> bytes:
        return (
            f"HTTP/1.1 {status} OK\r\nContent-Type: {kind}\r\nContent-Length: {length}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()

    def _hold(self) -> None:
        """Answer nothing; return when the client closes, the server stops or HOLD_SECONDS pass."""
        end = time.monotonic() + HOLD_SECONDS
        while not self.server.stop.is_set() and time.monotonic() < end:
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            try:
                if readable and not self.connection.recv(65536):
                    return
            except OSError:
                return
        self.close_connection = True

    def _dribble(self, head: bytes, at_once: bool) -> None:
        """``head`` (at once, or a byte at a time), then the body a byte at a time."""
        stream = (head if not at_once else b"") + b" " * self.server.trickle_bytes
        try:
            if at_once:
                self.connection.sendall(head)
            end = time.monotonic() + HOLD_SECONDS
            for byte in stream:
                if self.server.stop.wait(self.server.trickle_every) or time.monotonic() > end:
                    return
                self.connection.sendall(bytes([byte]))
        except OSError:  # the client gave up
            pass
        finally:
            self.close_connection = True


class FaultyRemote(ThreadingHTTPServer):
    """The remote on 127.0.0.1 (an ephemeral port), serving on a thread of its own until closed."""

    daemon_threads = True

    def __init__(
        self,
        mode: str = "ok",
        trickle_every: float = 0.4,
        trickle_bytes: int = TRICKLE_BODY,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.scheme = "http"
        if tls is not None:  # each connection's handshake then runs on the accepting thread
            self.socket = tls.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self.mode = mode
        self.trickle_every = trickle_every
        self.trickle_bytes = trickle_bytes
        self.stop = threading.Event()
        self.hits: list[str] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def root(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}{API}"

    def enter(self, path: str) -> None:
        with self._lock:
            self.hits.append(path)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def reset_counts(self) -> None:
        with self._lock:
            self.hits.clear()
            self.most_in_flight = self.in_flight

    def close(self) -> None:
        self.stop.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


@contextmanager
def faulty_remote(
    mode: str = "ok",
    trickle_every: float = 0.4,
    trickle_bytes: int = TRICKLE_BODY,
    tls: ssl.SSLContext | None = None,
) -> Iterator[FaultyRemote]:
    remote = FaultyRemote(mode, trickle_every, trickle_bytes, tls)
    try:
        yield remote
    finally:
        remote.close()


def prepare_instance(folder: Path, remote_root: str, now: datetime) -> None:
    """A portal instance in ``folder`` (SQLite, migrated, the programme loaded) that mirrors table
    77001 of the remote at ``remote_root`` (which must answer, in mode ``ok``)."""
    from portal.demo import seed
    from portal.kernel import migrate
    from portal.kernel.db import Database
    from portal.programme.models import Statistic
    from portal.programme.service import find_producer
    from pxbridge.remotes.bridge import HttpRemote, register, sync

    db = Database(f"sqlite:///{folder / 'portal.sqlite3'}")
    try:
        migrate.upgrade(db.engine)
        with db.session() as s:
            seed.seed_programme(s, now)
            statistic = s.scalar(sql_select(Statistic).where(Statistic.slug == "folkemengde"))
            assert statistic is not None
            source = register(
                s,
                producer_id=find_producer(s, "ssb").id,
                statistic_id=statistic.id,
                name="faulty",
                base_url=remote_root,
                prefix="f",
                language="no",
                now=now,
            )
            assert sync(s, source, HttpRemote(remote_root, "no", timeout=5), now) == 1
    finally:
        db.dispose()


@contextmanager
def served_portal(instance: Path, config: dict[str, str]) -> Iterator[str]:
    """``portal serve --workers 1`` (gunicorn, 4 threads) over ``instance`` on a free loopback port,
    with ``config`` as PORTAL_* variables and no Redis; yields its base URL. Startup waits at most 60 s.
    SIGINT stops it: gunicorn's quick shutdown, as nothing here needs draining."""
    port = free_port()
    with serving(
        [
            sys.executable,
            "-m",
            "portal",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-control-socket",
        ],
        port=port,
        env=instance_env(instance, config, unset=("DATABASE_URL", "REDIS_URL")),
        log=instance / "serve.log",
        timeout=60,
        stop=signal.SIGINT,
    ) as base:
        yield base
