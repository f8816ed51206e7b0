"""``Cache-Control``, ``Vary`` and validators on every answer, for the caches in front of the portal
(issue 23): one rule, in one ``after_request`` hook.

A public answer (a page in nb or en, its JSON twin, a feed, an API answer, a whole-table file) says
``public`` with a ``max-age`` that never reaches past the next instant the calendar changes an answer
by itself (:func:`release_calendar.freshness.next_change_at`, bounded by
:func:`portal.kernel.freshness.shared_cache_control`): a cache can hold a release's content back at
most ``stale-while-revalidate`` seconds after its minute, and never shows it early, since nothing
rendered before the minute holds it. An answer is public only when it is the same for everyone who
asks for its URL (and its ``Vary`` headers):

* the method is GET or HEAD, and the status one a cache may store by default (RFC 9111 4.2.2:
  200, 203, 204, 300, 301, 404, 410) or 304, whose headers refresh what a cache holds; other
  statuses (redirects to a current file, 4xx about the request's form, 429, 5xx) are left as they are;
* nobody is signed in (``g.actor``: a user through the session, a program through ``Authorization``),
  and the request carries no ``Authorization`` header (RFC 9111 3.5: ``public`` would let a shared
  cache keep an answer to one);
* the answer writes no session cookie, and rendered no CSRF token (a form's token is the visitor's);
* the view set no ``Cache-Control`` of its own (``no-store`` on secrets and readiness, ``public,
  no-cache`` on whole-table files, whose current revision changes with no release);
* the path is not one of a person's own (:data:`PRIVATE_PATHS`: my page, admin, login, password and
  alert links with tokens, the admin and webhook APIs, health answers).

Any other GET or HEAD answer of a person's own, or on a private path, says ``private, no-store``
when its view said nothing (health answers ``no-store``), so no cache stores it by its own default
(Varnish keeps a 200 without ``Cache-Control`` for two minutes).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.http.db import get_database, get_session
from portal.http.instant import now
from portal.http.pagecache import unread_session
from portal.kernel.freshness import shared_cache_control
from release_calendar.freshness import next_change_at

log = logging.getLogger(__name__)

#: Statuses a shared cache may keep: RFC 9111's heuristically cacheable ones but 206 (whole-table
#: files answer ranges themselves), 405, 414 and 501 (about the request, not the content), and 304.
SHARED_STATUSES = frozenset({200, 203, 204, 300, 301, 304, 404, 410})

#: Paths whose answers belong to one person or one secret, whatever else they say: producers' pages,
#: admin, logging in and out, password links, alert forms and links with tokens, the admin and webhook
#: APIs, and the health answers a load balancer must see fresh.
PRIVATE_PATHS = re.compile(
    r"^/(?:min-side|en/my-page|logg-inn|en/log-in|logg-ut|en/log-out|passord|en/password"
    r"|varsler|en/alerts|api/v1/admin|api/v1/webhooks|healthz|readyz)(?:/|$)"
    r"|^/(?:tabeller|en/tables)/[^/]+/(?:varsle|alert)$"
)
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})

#: Request headers an answer varies on, by the request property that parses each: a view that read
#: one (a problem's language from ``Accept-Language``, the catalogue's format from ``Accept``) made
#: its answer depend on it.
NEGOTIATED = {
    "accept_languages": "Accept-Language",
    "accept_mimetypes": "Accept",
    "accept_charsets": "Accept-Charset",
}

#: Largest body given a weak ETag of its bytes (a page is 20 to 300 kB and hashes in well under a
#: millisecond); larger answers are files and table data, which carry validators of their own.
WEAK_ETAG_LIMIT = 4 * 1024 * 1024

#: How long one process reuses its lookup of the next change (:func:`_next_change`).
REUSE = timedelta(seconds=1)
_LOOKED = "portal.cache_headers.next_change"


def is_private_path(path: str) -> bool:
    return PRIVATE_PATHS.match(path) is not None


def _personal() -> bool:
    """Whether the answer depends on who asked: someone signed in, credentials sent, a session
    cookie written, or a form token rendered."""
    if g.get("actor") is not None or "Authorization" in request.headers:
        return True
    opened = unread_session()
    if opened is not None and (
        opened.modified
        or (opened and current_app.session_interface.should_set_cookie(current_app, opened))
    ):
        return True
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


@dataclass(frozen=True)
class _Looked:
    """The next change as one lookup found it: at ``at``, the calendar next changes at ``until``."""

    at: datetime
    until: datetime


def _next_change(at: datetime) -> datetime:
    """:func:`next_change_at`, looked up once a second per process: the lookup (1.6 ms on SQLite with
    the demo programme) was most of the rule's cost on a cheap answer. A commit in this process drops
    it (:func:`init_app`); a write on another machine shows within :data:`REUSE`, inside the
    ``max-age`` a write may take anyway (:data:`portal.kernel.freshness.MAX_AGE`)."""
    looked: _Looked | None = current_app.extensions.get(_LOOKED)
    if looked is not None and looked.at <= at < min(looked.at + REUSE, looked.until):
        return looked.until
    until = next_change_at(get_session(), at)
    current_app.extensions[_LOOKED] = _Looked(at, until)
    return until


def _shared_until() -> str:
    """``Cache-Control`` for a public answer rendered now; ``public, no-cache`` (ask every time)
    when the database cannot say when the calendar next changes."""
    at = now()
    try:
        until = _next_change(at)
    except SQLAlchemyError as error:
        log.warning("no freshness for %s (%s): caches revalidate", request.path, error)
        until = at
    return shared_cache_control(until, at)


def _vary(response: Response) -> None:
    # Accept-Encoding always: the feeds compress themselves, and a compressing proxy between the
    # portal and a cache would otherwise hand gzip to a client that cannot read it.
    response.vary.add("Accept-Encoding")
    if response.mimetype == "text/html":
        # A page's layout shows who is signed in: one served from the page cache read no session, so
        # Flask would not say so.
        response.vary.add("Cookie")
    for parsed, header in NEGOTIATED.items():
        if parsed in request.__dict__:
            response.vary.add(header)


def _validate(response: Response) -> Response:
    """A weak ETag of the body for an answer with no validator (so a cache revalidates with a 304),
    then ``If-None-Match`` answered; bodies that are streamed, files or too large are left alone."""
    if (
        response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
        or "ETag" in response.headers
        or "Last-Modified" in response.headers
    ):
        return response
    length = response.calculate_content_length()
    if length is None or length > WEAK_ETAG_LIMIT:
        return response
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32], weak=True)
    response.make_conditional(request)  # the same object, a 304 when If-None-Match names the tag
    return response


def set_cache_headers(response: Response) -> Response:
    """The one rule of this module's docstring, on ``response``."""
    if request.method not in {"GET", "HEAD"} or "Cache-Control" in response.headers:
        return response
    if is_private_path(request.path) or _personal():
        health = request.path in HEALTH_PATHS
        response.headers["Cache-Control"] = "no-store" if health else "private, no-store"
        return response
    if response.status_code not in SHARED_STATUSES:
        return response
    response.headers["Cache-Control"] = _shared_until()
    _vary(response)
    return _validate(response)


def init_app(app: Flask) -> None:
    """Attach the rule to ``app``. Flask runs ``after_request`` hooks last registered first, so the
    rule runs before :mod:`portal.http.security`'s and sees the view's own headers only."""
    app.after_request(set_cache_headers)

    def _forget(session: Session) -> None:
        # Any commit may have moved a release: the next answer looks the next change up again.
        app.extensions.pop(_LOOKED, None)

    event.listen(get_database(app).sessions, "after_commit", _forget)
