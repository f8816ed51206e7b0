"""Security on by default, written once: CSRF, rate limits, response headers, and privacy-safe logs.

* CSRF: Flask-WTF checks every POST, PUT, PATCH and DELETE. The only exemption is the JSON API, which
  authenticates writes with bearer tokens alone and ignores the session cookie, so a forged cross-site
  request carries no credentials there.
* Rate limits are declared by name in ``RATELIMITS``. A name is one counter per client wherever it applies
  (every JSON API draws from "api", PxWebApi 2.0 and the classic API from "pxapi"), so spreading calls over
  endpoints gains nothing. Counters live in Redis when ``REDIS_URL`` is set, so all workers and machines
  share them. Limited answers carry the RateLimit fields of draft-ietf-httpapi-ratelimit-headers-06
  (``RateLimit-Limit``, ``-Remaining``, ``-Reset`` in seconds, ``RateLimit-Policy``); a 429 also carries
  ``Retry-After``, and no other answer does. No ``X-RateLimit-*`` duplicates.
* Neither the logs nor the rate-limit store ever see a full IP address (privacy statement).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import re
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.kernel.cache import redis_options
from portal.kernel.config import DEFAULTS

access_log = logging.getLogger("portal.access")
log = logging.getLogger(__name__)

csrf = CSRFProtect()


def client_key() -> str:
    """A keyed hash of the client address: enough to count requests, useless for identifying anyone."""
    secret = current_app.config["SECRET_KEY"].encode()
    addr = (request.remote_addr or "unknown").encode()
    return hmac.new(secret, addr, hashlib.sha256).hexdigest()[:20]


def get_limiter(app: Flask) -> Limiter:
    limiter: Limiter = app.extensions["portal.limiter"]
    return limiter


def limit_blueprint(app: Flask, bp: Blueprint, name: str) -> None:
    """Count every request to ``bp`` against the named limit ``RATELIMITS[name]``.

    The counter is the client's one for ``name``, shared with every other blueprint and view limited
    under the same name (flask-limiter's shared limit, scoped by the name), not one per endpoint.
    """
    get_limiter(app).shared_limit(lambda: named_limit(name), scope=name)(bp)


def limit_view(app: Flask, endpoint: str, name: str, methods: list[str] | None = None) -> None:
    """Count requests to one endpoint of ``app`` against the named limit (see :func:`limit_blueprint`)."""
    view = app.view_functions[endpoint]
    decorate = get_limiter(app).shared_limit(lambda: named_limit(name), scope=name, methods=methods)
    # flask-limiter's wrapper type is wider than Flask's view type; it is the same view.
    app.view_functions[endpoint] = decorate(view)  # type: ignore[assignment]


def named_limit(name: str) -> str:
    """The limit string configured under ``RATELIMITS[name]``."""
    limits: dict[str, str] = current_app.config["RATELIMITS"]
    return limits[name]


def limit_window(name: str) -> tuple[int, int]:
    """(calls, seconds) of the limit configured under ``RATELIMITS[name]`` (PxWeb's /config reports it);
    (0, 0) for a limit not of the form "N per [M] second|minute|hour|day"."""
    match = re.match(r"\s*(\d+)\s*(?:per|/)\s*(\d*)\s*(second|minute|hour|day)", named_limit(name))
    if not match:
        return 0, 0
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[match.group(3)]
    return int(match.group(1)), int(match.group(2) or 1) * seconds


def _named_limits(configured: Any) -> dict[str, str]:
    """``RATELIMITS`` over the defaults, each checked now: a typo fails at start, not at the first call.

    A mapping that names only some limits keeps the defaults of the others. Raises ValueError.
    """
    if not isinstance(configured, dict):
        raise ValueError(
            "RATELIMITS must be a mapping of names to limits (JSON in the environment)"
        )
    limits: dict[str, str] = {**DEFAULTS["RATELIMITS"], **configured}
    for name, value in limits.items():
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"RATELIMITS[{name!r}] = {value!r}: {exc}") from None
    return limits


#: Headers a cross-origin script may read from the API (CORS hides all but a few by default).
EXPOSED_HEADERS = (
    "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After"
)


def _rate_limit_headers(response: Response) -> Response:
    """The RateLimit fields on every answer that a limit counted, and ``Retry-After`` on a 429 only.

    The fields describe the limit closest to running out (the breached one on a 429). The seconds are
    wall-clock seconds, not the app's :class:`~portal.kernel.clock.Clock`: the counters' windows are kept by the
    ``limits`` library on ``time.time()``, in Redis or in memory, and a client waits in real time.
    """
    limiter = get_limiter(current_app)
    current = limiter.current_limit
    if current is None:
        return response
    try:
        reset_at, remaining = current.window
    except Exception as error:  # noqa: BLE001  (the counter store failed after counting: no fields)
        log.debug("no RateLimit fields on %s: %s", request.path, error)
        return response
    seconds = max(0, math.ceil(reset_at - time.time()))
    headers = response.headers
    headers["RateLimit-Limit"] = str(current.limit.amount)
    headers["RateLimit-Remaining"] = str(0 if current.breached else remaining)
    headers["RateLimit-Reset"] = str(seconds)
    policies = dict.fromkeys(
        f"{each.limit.amount};w={each.limit.get_expiry()}" for each in limiter.current_limits
    )
    headers["RateLimit-Policy"] = ", ".join(policies)
    if current.breached:
        headers["Retry-After"] = str(max(1, seconds))
    return response


def anonymise_ip(address: str | None) -> str:
    """Keep the network, drop the host: IPv4 to its /24, IPv6 to its /48."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.path.startswith("/api/") and request.method in {"GET", "HEAD"}:
        # Open data: any site's scripts may read the public API (credentials are never sent cross-site).
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    else:
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if g.get("actor") is not None and "Cache-Control" not in headers:
        headers["Cache-Control"] = "private, no-store"
    return response


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
    access_log.info(
        '%s "%s %s" %s %.1fms',
        anonymise_ip(request.remote_addr),
        request.method,
        request.path,
        response.status_code,
        elapsed,
    )
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    csrf.init_app(app)
    app.config["RATELIMITS"] = _named_limits(app.config["RATELIMITS"])
    app.config["RATELIMIT_ENABLED"] = bool(app.config["RATELIMIT_ENABLED"])
    app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    if app.config["REDIS_URL"]:
        app.config["RATELIMIT_STORAGE_OPTIONS"] = redis_options(float(app.config["REDIS_TIMEOUT"]))
    app.config["RATELIMIT_KEY_PREFIX"] = "portal"
    # flask-limiter's own headers are X-RateLimit-* and a Retry-After on every answer; _rate_limit_headers
    # sends the IETF fields instead.
    app.config["RATELIMIT_HEADERS_ENABLED"] = False
    # One limiter per app: its counters and registered limits must not leak between apps (tests build many).
    # When Redis fails (refused, or silent past REDIS_TIMEOUT) the limiter counts in this process's memory
    # with the same limits, logs one warning ("Rate limit storage unreachable"), and tries Redis again
    # after 1, 2, 4 … 32 seconds; the portal keeps serving (issue 16). swallow_errors covers the rest: a
    # counter store that fails must never fail the request it counts.
    app.extensions["portal.limiter"] = Limiter(
        key_func=client_key,
        app=app,
        headers_enabled=False,
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    app.after_request(_rate_limit_headers)
    app.after_request(_set_headers)
    app.after_request(_log_request)
