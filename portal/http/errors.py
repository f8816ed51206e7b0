"""The one app-level error handler: every :class:`~portal.kernel.errors.PortalError`, Werkzeug HTTP error
(routing 404s, 405, 413, CSRF failures, rate limits), lost race and database outage goes through
:func:`render_error`, which picks the shape by path: a prefix's registered shape (PxWeb's ``{"error": …}``
under ``/api/v0/``, Klass's under ``/api/klass/``), RFC 9457 ``application/problem+json`` on other API
paths, and ``errors/<status>.html`` on pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from flask import Flask, Response, g, json, render_template, request
from jinja2 import TemplateNotFound
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from portal.kernel.db import is_unavailable
from portal.kernel.errors import (
    PROBLEM_JSON,
    BadRequest,
    Conflict,
    DatabaseUnavailable,
    PortalError,
)

log = logging.getLogger(__name__)


def is_api_path(path: str) -> bool:
    """API paths (and the DCAT catalogue, which only machines read) answer errors as problem+json;
    everything else gets an HTML page."""
    return path.startswith(("/api/", "/catalog")) or path == "/healthz"


def problem_language() -> str:
    """The language of an API answer's ``detail``: English unless ``Accept-Language`` prefers Norwegian
    (``nb``, ``nn`` or ``no``) to English. ``title`` and ``type`` stay English and stable."""
    best = request.accept_languages.best_match(["en", "nb", "no", "nn"], default="en")
    return "nb" if best in {"nb", "no", "nn"} else "en"


#: Werkzeug's own descriptions are English library wording: these statuses get the portal's words, in
#: the page's language (and in the API's ``Accept-Language``).
_HTTP_KEYS = {400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 429, 500, 503}


def from_http_exception(exc: HTTPException) -> PortalError:
    status = exc.code or 500
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = exc.name
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in {"content-type"}}
    error = PortalError(status=status, title=phrase, detail=exc.description or "", headers=headers)
    from flask_wtf.csrf import CSRFError

    if isinstance(exc, CSRFError):
        return error.said("error.csrf")
    if status in _HTTP_KEYS:
        return error.said(f"error.http.{status}")
    return error


def _error_page(error: PortalError) -> Response:
    """The error as a page in the request's language; as plain text when even that cannot render (a
    missing or broken template), so the client always gets its status and a reason, never an empty
    reply."""
    context = {"error": error}
    try:
        try:
            html = render_template(f"errors/{error.status}.html", **context)
        except TemplateNotFound:
            html = render_template("errors/error.html", **context)
    except Exception:  # noqa: BLE001  (the error page itself failed: fall back, and say why in the log)
        log.exception(
            "the error page for %s could not render; answered in plain text", error.status
        )
        text = f"{error.status} {error.title}\n\n{error.detail}\n"
        return Response(text, status=error.status, mimetype="text/plain")
    return Response(html, status=error.status, mimetype="text/html")


#: An error shape of its own for every answer under a path prefix: PxWeb's ``{"error": …}`` under
#: ``/api/v0/``, Klass's under ``/api/klass/``. Registered by the domain that owns the prefix; applied
#: by the one app-level handler, so routing errors (no such route, wrong method) and rate limits take
#: the prefix's shape too, not only the errors its views raise.
ErrorShape = Callable[[PortalError], Response]
_SHAPES: dict[str, ErrorShape] = {}


def register_error_shape(prefix: str, shape: ErrorShape) -> None:
    """Answer every error under ``prefix`` with ``shape`` (the longest matching prefix wins)."""
    _SHAPES[prefix] = shape


def _shape_for(path: str) -> ErrorShape | None:
    found = [prefix for prefix in _SHAPES if path.startswith(prefix)]
    return _SHAPES[max(found, key=len)] if found else None


def render_error(error: PortalError) -> Response:
    shape = _shape_for(request.path)
    if shape is not None:
        response = shape(error)
    elif is_api_path(request.path):
        response = Response(
            json.dumps(error.to_problem(instance=request.path, lang=problem_language())),
            status=error.status,
            mimetype=PROBLEM_JSON,
        )
    else:
        response = _error_page(error)
    for key, value in error.headers.items():
        response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(PortalError)
    def _portal_error(error: PortalError) -> Response:
        return render_error(error)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return render_error(from_http_exception(exc))

    from sqlalchemy.exc import DataError

    @app.errorhandler(DataError)
    def _out_of_range(exc: DataError) -> Response:
        # The last line of defence behind portal.http.inputs: a value the database cannot store (a number
        # out of its range, a text too long for its column, a NUL character) is the client's mistake.
        # The request's transaction is rolled back at teardown, so nothing is changed.
        log.warning(
            "refused a value the database cannot store on %s %s: %s",
            request.method,
            request.path,
            str(exc.orig).splitlines()[0] if exc.orig else exc,
        )
        return render_error(BadRequest("").said("error.out_of_range"))

    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    from portal.kernel.concurrency import is_lost_race

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def _lost_race(exc: Exception) -> Response:
        # Issue 16: the last line of defence behind portal.kernel.concurrency. A write that lost a race
        # (its conditional UPDATE matched no row, or its new key was taken meanwhile) is a 409 after
        # its transaction is rolled back, so the error page can still read; any other integrity
        # error is a bug and answers 500.
        if not is_lost_race(exc):
            return _unexpected(exc)
        # Rolled back, not closed: the page still reads through it (the signed-in user in the
        # layout), where a closed session's objects were detached and the page fell back to English
        # plain text on PostgreSQL.
        session = g.get("db_session")
        if session is not None:
            session.rollback()
        log.info("a write lost a race on %s %s: %s", request.method, request.path, exc)
        return render_error(Conflict("").said("error.lost_race"))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(PortalError().said("error.http.500"))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def _database_error(exc: Exception) -> Response:
        if not is_unavailable(exc):
            return _unexpected(exc)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        log.warning(
            "the database did not answer on %s %s: %s",
            request.method,
            request.path,
            reason[0] if reason else type(exc).__name__,
        )
        # Issue 16: its transaction is dead; the error page must not wait on it a second time.
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
        return render_error(DatabaseUnavailable().said("error.database"))
