"""The release minute's load (bench/release_minute.py): what visitors and programs ask for, whether an
answer shows the release's content, a bounded closed-loop load generator, pollers that find when each
channel first shows the release on one instance, and the figures made of what they record.

Plain threads and ``http.client`` (one keep-alive connection per client), so nothing beyond the standard
library is needed; the generator shares the machine with the servers it measures.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: Seconds a client waits for an answer; past it the request counts as no answer (status 0).
TIMEOUT = 20.0

#: What a kept-alive connection closed by the other side raises.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

#: How a channel decides that an answer (status, body) shows the release's content.
Marker = Callable[[int, bytes], bool]


@dataclass(frozen=True)
class Channel:
    """One kind of request: who asks (visitor or program), how, and how often (weight)."""

    name: str
    group: str
    method: str
    path: str
    marker: Marker | None
    weight: int = 1
    body: bytes | None = None
    #: A 404 is the embargo's answer before the release; after it the content should be there.
    embargoed: bool = False


@dataclass
class Record:
    kind: str
    sent: float  # wall clock (time.time())
    done: float
    status: int  # 0: no answer (connection error, timeout)
    shows: bool  # the answer shows the release's content


# --------------------------------------------------------------------------------------------
# Markers: does an answer show the release?


def answered(status: int, body: bytes) -> bool:
    """Table channels: any 200 is the table's content (before the release they answer 404)."""
    return status == 200


def contains(text: str) -> Marker:
    needle = text.encode()
    return lambda status, body: status == 200 and needle in body


def after(anchor: str, text: str) -> Marker:
    """``text`` somewhere after ``anchor`` (the home page's latest releases come after its heading)."""
    first, needle = anchor.encode(), text.encode()

    def marker(status: int, body: bytes) -> bool:
        at = body.find(first)
        return status == 200 and at >= 0 and body.find(needle, at) >= 0

    return marker


def atom_published(release_path: str) -> Marker:
    """The Atom feed's entry of the release, in the category ``published``."""
    link = release_path.encode()

    def marker(status: int, body: bytes) -> bool:
        if status != 200:
            return False
        for entry in body.split(b"<entry")[1:]:
            entry = entry.split(b"</entry>")[0]
            if link + b"<" in entry or link + b'"' in entry:
                return b'term="published"' in entry
        return False

    return marker


def ical_published(release_path: str) -> Marker:
    """The iCal feed's event of the release, its summary saying "(publisert)" (lines unfolded)."""
    link = release_path.encode()

    def marker(status: int, body: bytes) -> bool:
        if status != 200:
            return False
        text = body.replace(b"\r\n ", b"").replace(b"\n ", b"")
        for event in text.split(b"BEGIN:VEVENT")[1:]:
            if link + b"\r" in event or link + b"\n" in event:
                return b"(publisert)" in event
        return False

    return marker


# --------------------------------------------------------------------------------------------
# HTTP


class Client:
    """One keep-alive connection to ``base`` (http://host:port), reopened after any failure."""

    def __init__(self, base: str, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        """(status, body), following one redirect; (0, b"") when no answer came."""
        for _ in range(2):
            status, headers, data = self._once(method, path, body)
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                path = urlsplit(location)._replace(scheme="", netloc="").geturl()
                method, body = ("GET", None) if status == 303 else (method, body)
                continue
            return status, data
        return status, data

    def _once(
        self, method: str, path: str, body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        reused = self.connection is not None
        try:
            return self._attempt(method, path, body)
        except STALE:
            self.close()
            if not reused:
                return 0, {}, b""
        # A kept-alive connection the other side had closed: asked again on a new one, as browsers
        # and HTTP libraries do.
        try:
            return self._attempt(method, path, body)
        except STALE:
            self.close()
            return 0, {}, b""

    def _attempt(
        self, method: str, path: str, body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            headers = {"Content-Type": "application/json"} if body is not None else {}
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            found = {k.lower(): v for k, v in response.getheaders()}
            if response.will_close:
                self.close()
            return response.status, found, data
        except STALE:
            raise
        except (OSError, http.client.HTTPException):  # a timeout, a refused connection, junk
            self.close()
            return 0, {}, b""

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


# --------------------------------------------------------------------------------------------
# Load and polling


def sleep_until(moment: float, stop: threading.Event) -> bool:
    """Wait until wall-clock ``moment``; False if ``stop`` was set first."""
    while not stop.is_set():
        left = moment - time.time()
        if left <= 0:
            return True
        stop.wait(min(left, 0.5))
    return False


@dataclass
class Load:
    """``clients`` closed-loop clients against ``base`` from ``start`` to ``end`` (wall clock), each
    picking a channel by weight (fixed seed per client) and asking again as soon as answered."""

    base: str
    channels: list[Channel]
    clients: int
    start: float
    end: float
    stop: threading.Event
    seed: int = 23
    records: list[Record] = field(default_factory=list)

    def run(self) -> list[Record]:
        threads = [threading.Thread(target=self._client, args=(n,)) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.records

    def _client(self, n: int) -> None:
        rng = random.Random(self.seed * 1000 + n)
        weights = [c.weight for c in self.channels]
        client = Client(self.base)
        mine: list[Record] = []
        # Spread the clients' first requests over the first second.
        if not sleep_until(self.start + n / max(self.clients, 1), self.stop):
            return
        while not self.stop.is_set() and time.time() < self.end:
            channel = rng.choices(self.channels, weights)[0]
            sent = time.time()
            status, body = client.request(channel.method, channel.path, channel.body)
            done = time.time()
            shows = channel.marker(status, body) if channel.marker else False
            mine.append(Record(channel.name, sent, done, status, shows))
        client.close()
        self.records.extend(mine)  # list.extend is atomic under the GIL


def poll(
    base: str,
    channel: Channel,
    start: float,
    end: float,
    stop: threading.Event,
    interval: float = 0.1,
) -> list[Record]:
    """Ask ``channel`` on one instance every ``interval`` s from ``start`` until it first shows the
    release (one more answer after that) or until ``end``; every answer recorded."""
    client = Client(base)
    records: list[Record] = []
    if not sleep_until(start, stop):
        return records
    while not stop.is_set() and time.time() < end:
        sent = time.time()
        status, body = client.request(channel.method, channel.path, channel.body)
        done = time.time()
        shows = bool(channel.marker and channel.marker(status, body))
        records.append(Record(channel.name, sent, done, status, shows))
        if shows:
            break
        stop.wait(max(0.0, interval - (done - sent)))
    client.close()
    return records


# --------------------------------------------------------------------------------------------
# Figures


def percentile(values: Iterable[float], share: float) -> float | None:
    """The ``share`` (0–1) percentile by the nearest rank; None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def is_early(record: Record, release_at: float) -> bool:
    """An answer that showed the release's content and was complete before the release's instant (its
    server decided before it, whatever the clocks' skew within the request)."""
    return record.shows and record.done < release_at


def classify(record: Record, channel: Channel, release_at: float, grace: float) -> str:
    """'ok', 'early', '5xx' or 'other' (no answer, a 4xx, or an embargoed table still 404 ``grace``
    seconds after the release)."""
    if is_early(record, release_at):
        return "early"
    if record.status >= 500:
        return "5xx"
    if record.status == 0:
        return "other"
    if record.status == 404 and channel.embargoed:
        return "other" if record.sent > release_at + grace else "ok"
    if record.status >= 400:
        return "other"
    return "ok"


def summary(
    records: list[Record],
    channels: list[Channel],
    release_at: float,
    seconds: float,
    grace: float = 2.0,
) -> dict[str, dict[str, object]]:
    """Per kind: count, requests/s, p50/p95/p99 latency (ms), 5xx, early content, other errors and the
    statuses seen; the kind ``all`` sums them."""
    by_name = {c.name: c for c in channels}
    out: dict[str, dict[str, object]] = {}
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(record.kind, []).append(record)
    order = [c.name for c in channels if c.name in groups]
    groups["all"] = records
    for kind in [*order, "all"]:
        group = groups[kind]
        counts = {"ok": 0, "early": 0, "5xx": 0, "other": 0}
        statuses: dict[str, int] = {}
        for record in group:
            channel = by_name[record.kind]
            counts[classify(record, channel, release_at, grace)] += 1
            statuses[str(record.status)] = statuses.get(str(record.status), 0) + 1
        latencies = [(r.done - r.sent) * 1000 for r in group]
        out[kind] = {
            "requests": len(group),
            "rps": round(len(group) / seconds, 1) if seconds > 0 else None,
            "p50_ms": _round(percentile(latencies, 0.50)),
            "p95_ms": _round(percentile(latencies, 0.95)),
            "p99_ms": _round(percentile(latencies, 0.99)),
            "5xx": counts["5xx"],
            "early": counts["early"],
            "other": counts["other"],
            "statuses": dict(sorted(statuses.items())),
        }
    return out


def first_visible(records: list[Record], release_at: float) -> dict[str, object]:
    """When polling first saw the release (seconds after its instant, by the answer's arrival), and
    the early answers and statuses seen on the way."""
    early = sum(1 for r in records if is_early(r, release_at))
    seen = [r for r in records if r.shows and not is_early(r, release_at)]
    statuses: dict[str, int] = {}
    for record in records:
        statuses[str(record.status)] = statuses.get(str(record.status), 0) + 1
    return {
        "visible_after_s": round(seen[0].done - release_at, 3) if seen else None,
        # When the request that first showed it was sent: the answer's latency taken out.
        "asked_after_s": round(seen[0].sent - release_at, 3) if seen else None,
        "early": early,
        "polls": len(records),
        "statuses": dict(sorted(statuses.items())),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
