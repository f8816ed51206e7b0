"""One HTTP exchange with a remote PxWeb, ended by a single deadline whatever the remote does.

requests' timeout bounds each socket read, not the exchange, and requests retried on top of it: a remote
that accepted and hung cost 30 s, and one that sent a byte every 3 s held a worker 181 s (issue 16).
Here every socket operation (resolving the name, connecting, the TLS handshake, sending, each read of
the status line, the headers and the body) may wait only for what is left of one monotonic deadline, so
the exchange ends by it, however slowly the remote trickles.

Plain ``http.client`` over sockets that re-arm their timeout before each operation; no proxy support
(the portal connects to the remote directly).
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

USER_AGENT = "statistikkportalen-bridge/0.2"
#: Redirects followed within one deadline (GET only, or 307/308 which keep the method).
MAX_REDIRECTS = 3
#: Addresses tried for one host name (IPv6 and IPv4 of a dual-stack remote, and a spare).
MAX_ADDRESSES = 4
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# getaddrinfo takes no timeout: names are resolved on these threads and waited for up to the deadline.
# A resolver that hangs occupies at most this many threads; later lookups queue and time out.
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="remote-dns")


class ExchangeFailed(Exception):
    """No usable HTTP answer: unreachable, broken protocol, too large, or (``timed_out``) the
    deadline passed."""

    def __init__(self, reason: str, *, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


class _DeadlinePassed(TimeoutError):
    pass


@dataclass(frozen=True)
class Answer:
    """The remote's whole answer: status, headers (names in lower case) and the decoded body."""

    status: int
    headers: dict[str, str]
    body: bytes


def _arm(sock: socket.socket, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed("deadline passed")
    sock.settimeout(left)


class _BoundSocket(socket.socket):
    """A TCP socket whose every send and receive waits at most until ``deadline``."""

    deadline = 0.0

    def recv(self, bufsize: int, flags: int = 0, /) -> bytes:
        _arm(self, self.deadline)
        return super().recv(bufsize, flags)

    def recv_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0, /) -> int:
        _arm(self, self.deadline)
        return super().recv_into(buffer, nbytes, flags)

    def send(self, data: ReadableBuffer, flags: int = 0, /) -> int:
        _arm(self, self.deadline)
        return super().send(data, flags)

    def sendall(self, data: ReadableBuffer, flags: int = 0, /) -> None:
        _arm(self, self.deadline)  # sendall's timeout bounds the whole call (Python 3.5+)
        super().sendall(data, flags)


class _BoundSSLSocket(ssl.SSLSocket):
    """The TLS socket made by :func:`_tls_context`, bound by the same deadline."""

    deadline = 0.0

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        _arm(self, self.deadline)
        return super().recv(buflen, flags)

    def recv_into(self, buffer: WriteableBuffer, nbytes: int | None = None, flags: int = 0) -> int:
        _arm(self, self.deadline)
        return super().recv_into(buffer, nbytes, flags)

    def send(self, data: ReadableBuffer, flags: int = 0) -> int:
        _arm(self, self.deadline)
        return super().send(data, flags)

    def sendall(self, data: ReadableBuffer, flags: int = 0) -> None:
        _arm(self, self.deadline)
        super().sendall(data, flags)

    def do_handshake(self, block: bool = False) -> None:
        _arm(self, self.deadline)
        super().do_handshake(block)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.sslsocket_class = _BoundSSLSocket
    return context


class _Connection(http.client.HTTPConnection):
    """http.client over a socket already connected (and wrapped in TLS) under the deadline."""

    def __init__(self, host: str, port: int, sock: socket.socket, default_port: int) -> None:
        super().__init__(host, port)
        self.sock = sock
        self.default_port = default_port  # so Host carries no ":443" for https

    def connect(self) -> None:
        raise ExchangeFailed("the connection was closed before the answer")


_Address = tuple[socket.AddressFamily, socket.SocketKind, int, str, Any]


def _resolve(host: str, port: int, deadline: float) -> Sequence[_Address]:
    """At most :data:`MAX_ADDRESSES` addresses of ``host``, looked up within the deadline."""
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal)
    except ValueError:
        pass
    else:  # an address already: getaddrinfo answers at once
        return socket.getaddrinfo(literal, port, type=socket.SOCK_STREAM)[:MAX_ADDRESSES]
    future = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        found = future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        future.cancel()
        raise _DeadlinePassed(f"resolving {host}") from None
    return found[:MAX_ADDRESSES]


def _connect(host: str, port: int, deadline: float) -> _BoundSocket:
    last: OSError = OSError(f"{host} has no address")
    for family, kind, proto, _, address in _resolve(host, port, deadline):
        sock = _BoundSocket(family, kind, proto)
        sock.deadline = deadline
        try:
            _arm(sock, deadline)
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            if isinstance(exc, _DeadlinePassed):
                raise
            last = exc
    raise last


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The body, decoded from gzip/deflate, refused past ``max_bytes`` (sent or decoded). Each read
    waits at most until the socket's deadline; the loop ends at the body's end, the deadline or
    ``max_bytes``."""
    encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    decoder = None
    if encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    parts: list[bytes] = []
    size = received = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if decoder is not None:
            try:
                chunk = decoder.decompress(chunk, max_bytes - size + 1)
            except zlib.error as exc:
                raise ExchangeFailed(f"a broken {encoding} body ({exc})") from None
        size += len(chunk)
        if size > max_bytes or received > max_bytes:
            raise ExchangeFailed(f"the answer is larger than {max_bytes:,} bytes")
        parts.append(chunk)
    return b"".join(parts)


def _once(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    max_bytes: int,
) -> Answer:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ExchangeFailed(f"{url} is not an http(s) address")
    default_port = 443 if parts.scheme == "https" else 80
    port = parts.port or default_port
    sock: socket.socket = _connect(parts.hostname, port, deadline)
    connection: _Connection | None = None
    try:
        if parts.scheme == "https":
            tls = _tls_context().wrap_socket(
                sock, server_hostname=parts.hostname, do_handshake_on_connect=False
            )
            sock = tls
            assert isinstance(tls, _BoundSSLSocket)
            tls.deadline = deadline
            tls.do_handshake()
        connection = _Connection(parts.hostname, port, sock, default_port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(
            method,
            target,
            body=body,
            headers={
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "gzip, deflate",
                "Connection": "close",
                **headers,
            },
        )
        response = connection.getresponse()
        content = _read_body(response, max_bytes)
        return Answer(
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=content,
        )
    finally:
        if connection is not None:
            connection.close()
        sock.close()


def exchange(
    method: str,
    url: str,
    *,
    deadline: float,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int,
) -> Answer:
    """One request and its whole answer, done by ``deadline`` (a :func:`time.monotonic` instant),
    following up to :data:`MAX_REDIRECTS` redirects within it. Any status is an :class:`Answer`;
    raises :class:`ExchangeFailed` (``timed_out`` when the deadline passed) for anything else."""
    for _ in range(MAX_REDIRECTS + 1):
        try:
            answer = _once(method, url, body, headers or {}, deadline, max_bytes)
        except TimeoutError:
            raise ExchangeFailed(f"{url} did not answer in time", timed_out=True) from None
        except ExchangeFailed:
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise ExchangeFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
        location = answer.headers.get("location", "")
        follow = method == "GET" or answer.status in (307, 308)
        if answer.status not in _REDIRECTS or not location or not follow:
            return answer
        url = urljoin(url, location)
    raise ExchangeFailed(f"more than {MAX_REDIRECTS} redirects")
