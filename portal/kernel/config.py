"""Configuration: defaults, the instance folder, and ``PORTAL_*`` environment variables.

Precedence, lowest first: the defaults below, ``<instance>/config.py`` if present, ``PORTAL_*`` environment
variables (``PORTAL_DATABASE_URL`` sets ``DATABASE_URL``), and last the mapping given to ``create_app``.
Every key is documented in docs/configuration.md; a test checks that.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

DEFAULTS: dict[str, Any] = {
    # Where all local state lives: the SQLite database, the secret key, later the index and table store.
    "INSTANCE_DIR": "instance",
    # None means the embedded SQLite database in the instance folder.
    "DATABASE_URL": None,
    # How long the portal waits on the database, in seconds (issue 16: never hang): connecting to
    # PostgreSQL, one statement of a request on PostgreSQL (0: no limit), a SQLite writer's wait for the
    # write lock, and a free pooled connection. Past them a request gets 503.
    "DATABASE_CONNECT_TIMEOUT": 5,
    "DATABASE_STATEMENT_TIMEOUT": 30,
    "DATABASE_BUSY_TIMEOUT": 30,
    "DATABASE_POOL_TIMEOUT": 10,
    # None keeps rate-limit counters and caches in each process's memory.
    "REDIS_URL": None,
    # Seconds to connect to Redis and for each answer; past it the portal counts and caches per process.
    "REDIS_TIMEOUT": 0.5,
    # Pages and API lists that every visitor of a release minute opens are rendered once per change
    # and served from the cache (issue 23); false renders every request afresh (benchmarks compare).
    "PAGE_CACHE": True,
    # After an upload, the new revision's whole-table files are built in the background (issues 21
    # and 23), so the first request after its release minute gets a built file.
    "WHOLE_FILES_AHEAD": True,
    # None means a random key made once and kept in the instance folder, shared by all workers.
    "SECRET_KEY": None,
    # Secure cookies are sent over HTTPS only (browsers treat http://localhost as secure too).
    "COOKIE_SECURE": True,
    # Number of reverse proxies in front of the portal whose X-Forwarded-* headers are trusted.
    "TRUSTED_PROXIES": 0,
    # The public address every absolute URL starts with (https://statistikk.example.no, a path prefix
    # allowed); None builds them from the request's own host, when that host is allowed.
    "BASE_URL": None,
    # Alerts by e-mail (issue 22): the SMTP server (smtp://host:port, smtp+starttls://user:pass@host:587,
    # smtps://user:pass@host:465) and the sender. `portal notify run` sends; without SMTP_URL it refuses.
    "SMTP_URL": None,
    "MAIL_FROM": "Statistikkportalen <varsler@localhost>",
    # Webhooks (issue 22): targets (host:port) taken although they are not https or resolve into a
    # private, loopback or link-local range (tests list their loopback receivers here); how many
    # deliveries given up in a row disable a webhook; each POST's time limit, in seconds.
    "WEBHOOK_ALLOWED_TARGETS": [],
    "WEBHOOK_DISABLE_AFTER": 10,
    "WEBHOOK_TIMEOUT_SECONDS": 5,
    # The WebSub hub the calendar's feeds name and `portal notify run` pings when they change; None: no
    # hub link, no pings.
    "WEBSUB_HUB": None,
    # Host names (port ignored) the portal answers for; others get 400. BASE_URL's host is always added.
    "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
    # Largest request body accepted anywhere, in bytes.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Named rate limits (flask-limiter syntax), one counter per client and name wherever the name applies:
    # "login" guards the login form, "api" every JSON API, "pxapi" PxWebApi 2.0 and the classic API,
    # "subscribe" the form that asks for alerts by e-mail (each ask sends an e-mail to the address given).
    "RATELIMITS": {
        "login": "10 per minute;100 per day",
        "subscribe": "10 per minute;100 per day",
        "api": "600 per minute",
        # PxWebApi's own default (reference implementation): 30 calls per 10 seconds per client.
        "pxapi": "30 per 10 second",
    },
    # Most cells one PxWebApi data request may select (Statistics Norway allows 800,000).
    "PXAPI_MAX_CELLS": 800_000,
    # /api/v1/changes lists an event only this many seconds after it was written (issue 22): longer than
    # the database's statement timeout (30 s), so no transaction still open can commit an older id.
    "CHANGES_SETTLE_SECONDS": 35,
    # Largest file a producer may import into a code list (a version's codes, a variant, a
    # correspondence table; CSV or a Klass answer), in bytes: the largest real Klass answer, the
    # industries (NACE, 1.1 MB), with room to spare.
    "CODELIST_IMPORT_MAX_BYTES": 16 * 1024 * 1024,
    # Longest one catalogue request may spend building whole-table files not built yet, in seconds;
    # the files it leaves unbuilt are listed without size and checksum until they are built.
    "WHOLE_FILE_BUILD_SECONDS": 10.0,
    # Largest table file a producer may upload (PX, JSON-stat or CSV), in bytes.
    "TABLE_UPLOAD_MAX_BYTES": 200 * 1024 * 1024,
    # Most cells a table may have.
    "TABLE_MAX_CELLS": 20_000_000,
    # The whole of one call to a remote PxWeb (connecting, the answer's last byte, retries) ends by
    # this deadline (seconds); then 504. Keeps its answers REMOTE_CACHE_SECONDS.
    "REMOTE_TIMEOUT_SECONDS": 10,
    "REMOTE_CACHE_SECONDS": 300,
    # Per remote and process: requests waiting on it at once, and how long one more waits for a
    # slot before 503 (a slow remote holds at most this many of a worker's threads).
    "REMOTE_MAX_IN_FLIGHT": 2,
    "REMOTE_QUEUE_SECONDS": 0.25,
    # The circuit breaker: after this many failures in a row a remote is not asked (503 at once)
    # for REMOTE_BREAKER_SECONDS, then one trial request decides.
    "REMOTE_BREAKER_FAILURES": 5,
    "REMOTE_BREAKER_SECONDS": 30,
    # Largest answer taken from a remote (bytes, after decompression); past it 502.
    "REMOTE_MAX_BYTES": 64 * 1024 * 1024,
    # Longest a search may run before it is stopped and says so (seconds).
    "SEARCH_TIME_LIMIT": 0.5,
    # Turns rate limiting off entirely (used by tests that are not about rate limits).
    "RATELIMIT_ENABLED": True,
    "LOG_LEVEL": "INFO",
}


def instance_dir(overrides: dict[str, Any] | None = None) -> Path:
    raw = (
        (overrides or {}).get("INSTANCE_DIR") or os.environ.get("PORTAL_INSTANCE_DIR") or "instance"
    )
    return Path(raw).resolve()


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, instance file, environment and overrides, then derive the rest."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile(str(Path(app.instance_path) / "config.py"), silent=True)
    app.config.from_prefixed_env("PORTAL")
    app.config.from_mapping(overrides or {})
    folder = Path(app.instance_path)
    app.config["INSTANCE_DIR"] = str(folder)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{folder / 'portal.sqlite3'}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(folder)
    secure = bool(app.config["COOKIE_SECURE"])
    app.config.update(
        SESSION_COOKIE_NAME="portal_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        # WTForms' own nb and en message catalogues, picked per form by portal.http.forms.PortalForm.
        WTF_I18N_ENABLED=False,
    )


def _instance_secret(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        # O_EXCL: when several workers start at once, the first one writes and the rest read its key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip() or _instance_secret_retry(path)


def _instance_secret_retry(path: Path) -> str:
    # Another worker created the file but has not written it yet.
    import time

    for _ in range(50):
        time.sleep(0.02)
        value = path.read_text().strip()
        if value:
            return value
    raise RuntimeError(f"{path} is empty")
