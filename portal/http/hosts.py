"""The portal's public address: which hosts it answers for, and what its absolute URLs start with.

Every absolute URL and identifier the portal sends (feeds, iCal, the DCAT catalogue, sitemaps, JSON-LD,
canonical links, the Klass and PxWebApi ``_links``) is built by Flask from the request, through
``url_for(..., _external=True)``, ``request.url``, ``request.base_url`` or ``request.host_url``. So the
address is settled once, in :class:`PublicAddress`, a WSGI middleware that sits under ProxyFix (it sees the
host the client asked for, after ``TRUSTED_PROXIES`` has applied ``X-Forwarded-Host``) and in front of
Flask, and no call site knows about it:

* A request whose host name (port ignored) is not in ``ALLOWED_HOSTS`` is marked and its Host header is
  replaced, so no URL is ever built from it; the app's first before-request hook answers it 400 through
  :mod:`portal.kernel.errors` (problem+json on API paths, a page elsewhere, routing misses included). An unchecked
  Host header would otherwise end up in cached feeds and catalogues and in every link they hold.
* With ``BASE_URL`` set, the request's scheme, host and script root become BASE_URL's, whatever the Host
  header said. A path prefix in BASE_URL is taken off the path when the proxy passed it on.

``/healthz`` and ``/readyz`` answer whatever the host: load balancers probe them by the machine's
address, and they hold no URL.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.kernel.errors import BadRequest

log = logging.getLogger(__name__)

DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "[::1]")
#: Where the middleware leaves the refused Host header for the before-request hook.
REFUSED_HOST = "portal.refused_host"
#: Answered whatever the host (see the module docstring).
HOST_FREE_PATHS = frozenset({"/healthz", "/readyz"})

# A host name or IPv4 address, or an IPv6 address in brackets, then an optional port: the characters
# werkzeug accepts in a Host header.
_HOST = re.compile(r"(?P<name>[a-z0-9.-]+|\[[a-f0-9:.]+\])(?::(?P<port>[0-9]{1,5}))?")
_ROOT = re.compile(r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*")


@dataclass(frozen=True)
class BaseUrl:
    """``BASE_URL`` taken apart: what goes into ``wsgi.url_scheme``, ``HTTP_HOST`` and ``SCRIPT_NAME``."""

    scheme: str
    #: host[:port], as in a Host header.
    netloc: str
    #: The host name alone, lower case, an IPv6 address in brackets.
    host: str
    #: The path prefix without its trailing slash; "" for none.
    root: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.root}"


def host_name(value: str) -> str | None:
    """The host name of a Host header or ``host[:port]`` value, lower case; None when it is not one."""
    found = _HOST.fullmatch(value.strip().lower())
    if found is None:
        return None
    port = found.group("port")
    if port is not None and not 1 <= int(port) <= 65535:
        return None
    name = found.group("name")
    # "localhost." is the same host as "localhost" (a fully qualified name with its root label).
    return name if name.startswith("[") else name.rstrip(".") or None


def parse_base_url(value: str) -> BaseUrl:
    """Take ``BASE_URL`` apart. Raises ValueError saying what is wrong with it."""
    parts = urlsplit(value.strip())
    example = "such as https://statistikk.example.no or https://example.no/statistikk"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"BASE_URL must be an absolute http(s) address {example}, not {value!r}")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"BASE_URL takes no user, query or fragment ({example}), not {value!r}")
    name = host_name(parts.netloc)
    if name is None:
        raise ValueError(f"BASE_URL names no valid host: {value!r}")
    root = parts.path.rstrip("/")
    if not _ROOT.fullmatch(root):
        raise ValueError(f"BASE_URL's path is not a plain URL path: {value!r}")
    return BaseUrl(scheme=parts.scheme, netloc=parts.netloc.lower(), host=name, root=root)


def allowed_hosts(raw: Any, base: BaseUrl | None) -> tuple[str, ...]:
    """``ALLOWED_HOSTS`` as a tuple of lower-case host names, with BASE_URL's host always among them.

    ``raw`` is a list (from Python or from JSON in the environment), a comma-separated string (from the
    environment) or None for the defaults. A name with a leading dot (``.example.no``) also allows every
    name under it; a port, if given, is ignored. Raises ValueError for an entry that is no host name.
    """
    entries: Iterable[Any]
    if raw is None:
        entries = DEFAULT_ALLOWED_HOSTS
    elif isinstance(raw, str):
        entries = raw.split(",")
    else:
        entries = raw
    hosts = list(dict.fromkeys(_allowed_entries(entries)))
    if base is not None and base.host not in hosts:
        hosts.append(base.host)
    return tuple(hosts)


def _allowed_entries(entries: Iterable[Any]) -> Iterator[str]:
    for entry in entries:
        text = str(entry).strip().lower()
        if not text:
            continue
        suffix = text.startswith(".")
        text = text.removeprefix(".")
        if text.count(":") > 1 and not text.startswith("["):
            text = f"[{text}]"  # a bare IPv6 address, as it is commonly written
        name = host_name(text)
        if name is None:
            raise ValueError(f"ALLOWED_HOSTS: {entry!r} is not a host name")
        yield f".{name}" if suffix else name


def is_allowed(name: str, allowed: Iterable[str]) -> bool:
    """Whether the host name ``name`` is one of ``allowed`` (``.example.no`` allows it and its subdomains)."""
    for entry in allowed:
        if entry.startswith("."):
            if name == entry[1:] or name.endswith(entry):
                return True
        elif name == entry:
            return True
    return False


def _asked_host(environ: WSGIEnvironment) -> str:
    if "HTTP_HOST" in environ:
        return str(environ["HTTP_HOST"])
    # HTTP/1.0 without a Host header: the address the server listens on, as werkzeug would use it.
    server, port = environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT")
    return f"{server}:{port}" if server and port else str(server)


class PublicAddress:
    """WSGI middleware: refuse hosts outside ``allowed``, and put ``base`` in place of the request's own
    scheme, host and script root when it is given."""

    def __init__(
        self, app: WSGIApplication, allowed: tuple[str, ...], base: BaseUrl | None
    ) -> None:
        self.app = app
        self.allowed = allowed
        self.base = base

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        asked = _asked_host(environ)
        name = host_name(asked)
        if name is None or not is_allowed(name, self.allowed):
            environ[REFUSED_HOST] = asked
            # The answer (a 400, or /healthz) must not carry the refused host in any URL.
            environ["HTTP_HOST"] = self.base.netloc if self.base else DEFAULT_ALLOWED_HOSTS[0]
        if self.base is not None:
            environ["wsgi.url_scheme"] = self.base.scheme
            environ["HTTP_HOST"] = self.base.netloc
            root = self.base.root
            path = str(environ.get("PATH_INFO", ""))
            # Behind a proxy that passes the prefix on (no trailing slash on proxy_pass), take it off.
            if root and (path == root or path.startswith(root + "/")):
                path = path[len(root) :] or "/"
            environ["SCRIPT_NAME"] = root
            environ["PATH_INFO"] = path
        return self.app(environ, start_response)


def _refuse_unknown_host() -> None:
    refused = request.environ.get(REFUSED_HOST)
    if refused is None or request.path in HOST_FREE_PATHS:
        return
    log.info("refused a request for the host %r", refused[:100])
    raise BadRequest(
        "This portal does not answer for the host named in the request's Host header. "
        "Use the portal's own address."
    )


def init_app(app: Flask) -> None:
    """Read ``BASE_URL`` and ``ALLOWED_HOSTS`` (normalised back into the config) and install the check.

    Must run before :func:`portal.http.security.init_app`, whose ProxyFix has to wrap this middleware so that
    the host checked is the one the client asked for. Raises ValueError for an invalid setting.
    """
    if isinstance(app.wsgi_app, ProxyFix):
        raise RuntimeError(
            "portal.http.hosts.init_app must run before portal.http.security.init_app"
        )
    raw_base = app.config.get("BASE_URL") or None
    base = parse_base_url(str(raw_base)) if raw_base else None
    allowed = allowed_hosts(app.config.get("ALLOWED_HOSTS"), base)
    app.config["BASE_URL"] = str(base) if base else None
    app.config["ALLOWED_HOSTS"] = list(allowed)
    app.wsgi_app = PublicAddress(app.wsgi_app, allowed, base)  # type: ignore[method-assign]
    # First of all hooks: nothing (the rate limiter, the session, the language) looks at a refused request.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_unknown_host)
