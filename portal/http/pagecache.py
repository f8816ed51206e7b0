"""Rendered answers kept in the app's shared cache (issue 23): what every visitor of a release minute
opens (home, calendar, statistic, release and table pages, the release and table lists) is rendered
once per change and served from :func:`portal.http.cache.get_page_cache` otherwise (Redis when
``REDIS_URL`` is set, else 32 MB of each process's memory, least recently used first).

Never stale, never early. The key of an answer holds

* the request: scheme, host, path and the sorted query (no decorated view negotiates by a header);
* the content version (:func:`portal.kernel.revision.content_version`), which changes at every
  committed write of public content, read before anything else the answer depends on, so the answer
  is at least as new as the version it is stored under (the argument is in that module);
* the next instant the calendar changes an answer by itself (``next_change_at``, registered by the
  calendar with :func:`register_next_change`): a release going out, or midnight in Oslo. It is
  computed from the request's own instant (:func:`portal.http.instant.now`, read once per request),
  the same instant the view renders with. An answer rendered at ``t`` is stored under the first change
  after ``t``, ``c``; a request at ``t'`` finds it only if the first change after ``t'`` is also ``c``,
  so nothing changes between ``t`` and ``t'``: at ``c`` itself the key moves, and the release shows.
  Nothing is flipped by a job.

Only shared answers: anonymous GET and HEAD requests whose session holds nothing but a form token, and
answers that are 200, minted no form token while rendering (``g.csrf_token``, a page with a form), and
did not change the session. Signed-in users neither read nor fill the cache. The body, its type and
the headers that belong to the representation (:data:`KEPT_HEADERS`) are kept; status, security and
cache headers are set again on every answer by the app's ``after_request`` hooks.

One render per key at a time: when an answer is missing (after a write, and at a release minute for
every page at once), the first request in any process sharing the cache takes a lock
(``<key>:rendering``, :data:`RENDER_LOCK_SECONDS`) and renders; the others with the same key wait for
its answer (at most :data:`RENDER_WAIT_SECONDS`), and render themselves only when it stored none (the
answer was not shareable) or the wait ran out. A waiter takes only what is stored under its own key,
so it is as new as a render of its own.

The search page is left out: its answer depends on the search index, which follows the database
through a queue on its own schedule, not on the content version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, make_response, request
from flask.globals import request_ctx
from flask.sessions import SessionMixin
from sqlalchemy.orm import Session
from werkzeug.http import unquote_etag

from portal.http.cache import get_page_cache
from portal.http.db import get_session
from portal.http.instant import now
from portal.kernel.cache import Cache
from portal.kernel.freshness import next_midnight
from portal.kernel.revision import content_version

#: How long a rendered answer is kept at most (seconds). Keys already go out of use at every write and
#: release; this bounds the memory they hold after that.
log = logging.getLogger(__name__)

TTL_SECONDS = 300
#: How long a render may hold its key's lock (a renderer that died frees it then), and how long the
#: other requests for that key wait for its answer before rendering themselves (seconds).
RENDER_LOCK_SECONDS = 30
RENDER_WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.02
#: Headers of the view's answer kept with the body.
KEPT_HEADERS = ("Content-Language", "ETag", "Last-Modified", "Link", "Vary")
#: The only session key an anonymous visitor may carry and still share answers: a form token from a
#: page seen before, which no cached page shows (pages that mint one are never stored).
SHAREABLE_SESSION_KEYS = frozenset({"csrf_token"})

_NEXT_CHANGE = "portal.next_change"
_KNOWN = "portal.next_change.known"
_PREFIX = "page:"

NextChange = Callable[[Session, datetime], datetime]
View = Callable[..., Any]


def register_next_change(app: Flask, next_change_at: NextChange) -> None:
    """Name the function that gives the next instant an answer changes by itself (the calendar's)."""
    app.extensions[_NEXT_CHANGE] = next_change_at


@dataclass(frozen=True)
class _Known:
    """The next change as one lookup found it: at ``at``, under content version ``version``, the next
    instant an answer changes by itself is ``until``."""

    version: str
    at: datetime
    until: datetime


def _next_change(db: Session, moment: datetime, version: str) -> datetime:
    """The next instant an answer changes by itself after ``moment``, looked up once per content
    version and kept in this process until that instant: for any ``t`` in ``[at, until)`` the lookup
    gives ``until`` again, as long as no release time changed, and a release time changes only in a
    write, which moves the version. Half of a cached answer's cost was its key's two queries."""
    known: _Known | None = current_app.extensions.get(_KNOWN)
    if known is not None and known.version == version and known.at <= moment < known.until:
        return known.until
    found: NextChange | None = current_app.extensions.get(_NEXT_CHANGE)
    until = found(db, moment) if found is not None else next_midnight(moment)
    current_app.extensions[_KNOWN] = _Known(version, moment, until)
    return until


def _shareable() -> bool:
    if request.method not in ("GET", "HEAD") or not current_app.config["PAGE_CACHE"]:
        return False
    if g.get("actor") is not None or g.get("user") is not None:
        return False
    opened = unread_session()
    return opened is None or set(opened.keys()) <= SHAREABLE_SESSION_KEYS


def unread_session() -> SessionMixin | None:
    """The request's session as opened, read without the ``session`` proxy: reading the proxy marks
    the session accessed, and Flask then adds ``Vary: Cookie`` to answers (the APIs') whose content
    never depends on it, so a cookie a browser sends along would split every shared cache's entry."""
    opened: SessionMixin | None = request_ctx._session
    return opened


def _key(also: str = "") -> str:
    db = get_session()
    # First, before any read the answer makes (the module's docstring says why).
    version = content_version(db)
    moment = now()
    parts = [
        version,
        _next_change(db, moment, version).isoformat(),
        request.scheme,
        request.host,
        request.path,
        # Decoded pairs as JSON, so no value can pose as a separator (a=b%26c%3Dd is not a=b&c=d).
        json.dumps(sorted(request.args.items(multi=True))),
        also,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return _PREFIX + digest


def _pack(response: Response) -> bytes:
    head = {
        "type": response.content_type,
        "headers": [[k, v] for k, v in response.headers.items() if k in KEPT_HEADERS],
    }
    return json.dumps(head).encode() + b"\n" + response.get_data()


def _unpack(stored: bytes) -> Response:
    head, _, body = stored.partition(b"\n")
    meta = json.loads(head)
    response = Response(body, status=200, content_type=meta["type"])
    for name, value in meta["headers"]:
        response.headers[name] = value
    tag = response.headers.get("ETag")
    if tag and request.if_none_match.contains_weak(unquote_etag(tag)[0] or ""):
        return Response(status=304, headers={"ETag": tag})
    return response


def _storable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and "csrf_token" not in g
        and not _session_modified()
        and g.get("actor") is None
    )


def _session_modified() -> bool:
    opened = unread_session()
    return opened is not None and opened.modified


def _rendered_elsewhere(cache: Cache, key: str, lock: str) -> bytes | None:
    """The answer another request is rendering under ``key``, once it is stored; None when that render
    ended without storing one (or the wait ran out): then this request renders its own."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        stored = cache.get(key)
        if stored is not None:
            return stored
        if cache.get(lock) is None:
            return cache.get(key)
    log.warning(
        "waited %.0f s for %s to be rendered elsewhere: rendering it here",
        RENDER_WAIT_SECONDS,
        request.path,
    )
    return None


def shared(view: View) -> View:
    """Serve ``view``'s answers from the shared cache (the module's docstring gives the rules). Only
    for views whose answer depends on nothing of the request but its address: none of those decorated
    negotiates by ``Accept`` or language headers (the language is in the path, the format in the path
    or the query)."""
    return shared_also(lambda **_: "")(view)


def shared_also(also: Callable[..., str]) -> Callable[[View], View]:
    """:func:`shared`, for a view whose answer also depends on something outside the database:
    ``also(**view_args)`` names its state (cheaply: it runs on every request) and is part of the key."""
    return lambda view: _shared(view, also)


def _shared(view: View, also: Callable[..., str]) -> View:
    @wraps(view)
    def cached(*args: Any, **kwargs: Any) -> Any:
        if not _shareable():
            return view(*args, **kwargs)
        key = _key(also(**kwargs))
        cache = get_page_cache()
        stored = cache.get(key)
        if stored is not None:
            return _unpack(stored)
        lock, token = key + ":rendering", uuid.uuid4().hex.encode()
        holding = cache.add(lock, token, RENDER_LOCK_SECONDS)
        if not holding:
            stored = _rendered_elsewhere(cache, key, lock)
            if stored is not None:
                return _unpack(stored)
        try:
            response = make_response(view(*args, **kwargs))
            if _storable(response):
                cache.set(key, _pack(response), TTL_SECONDS)
            return response
        finally:
            if holding:
                cache.discard(lock, token)

    return cached
