"""Security on by default, written once: CSRF, rate limits, response headers, and privacy-safe logs.

* CSRF: Flask-WTF checks every POST, PUT, PATCH and DELETE. The only exemption is the JSON API, which
  authenticates writes with bearer tokens alone and ignores the session cookie, so a forged cross-site
  request carries no credentials there.
* Rate limits are declared by name in ``RATELIMITS``; counters live in Redis when ``REDIS_URL`` is set, so
  all workers and machines share them.
* Neither the logs nor the rate-limit store ever see a full IP address (privacy statement).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import time

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

access_log = logging.getLogger("portal.access")

csrf = CSRFProtect()


def client_key() -> str:
    """A keyed hash of the client address: enough to count requests, useless for identifying anyone."""
    secret = current_app.config["SECRET_KEY"].encode()
    addr = (request.remote_addr or "unknown").encode()
    return hmac.new(secret, addr, hashlib.sha256).hexdigest()[:20]


def get_limiter(app: Flask) -> Limiter:
    limiter: Limiter = app.extensions["portal.limiter"]
    return limiter


def limit_view(app: Flask, endpoint: str, name: str, methods: list[str] | None = None) -> None:
    """Apply the named limit from ``RATELIMITS`` to one endpoint of ``app``."""
    view = app.view_functions[endpoint]
    limited = get_limiter(app).limit(lambda: named_limit(name), methods=methods)(view)
    # flask-limiter's wrapper type is wider than Flask's view type; it is the same view.
    app.view_functions[endpoint] = limited  # type: ignore[assignment]


def named_limit(name: str) -> str:
    """The limit string configured under ``RATELIMITS[name]``."""
    limits: dict[str, str] = current_app.config["RATELIMITS"]
    return limits[name]


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
    app.config["RATELIMIT_ENABLED"] = bool(app.config["RATELIMIT_ENABLED"])
    app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    app.config["RATELIMIT_KEY_PREFIX"] = "portal"
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    # One limiter per app: its counters and registered limits must not leak between apps (tests build many).
    app.extensions["portal.limiter"] = Limiter(key_func=client_key, app=app)

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    app.after_request(_set_headers)
    app.after_request(_log_request)
