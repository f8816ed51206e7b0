"""One error type for the whole portal, rendered once.

The core raises :class:`PortalError` (or a subclass). :func:`init_app` installs the single handler that turns
it into RFC 9457 ``application/problem+json`` on API paths and into ``errors/<status>.html`` on pages.
Werkzeug's own HTTP errors (routing 404s, 405, 413, CSRF failures, rate limits) go through the same door.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, json, render_template, request
from jinja2 import TemplateNotFound
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from portal.db import is_unavailable

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
#: Relative type URIs resolve against the response's URL to the API documentation's list of problems.
PROBLEM_DOCS = "/api/v1/docs#problem-"


@dataclass(frozen=True)
class FieldError:
    """One invalid input field: a JSON pointer into the request (or a form field name) and why."""

    pointer: str
    detail: str


@dataclass
class PortalError(Exception):
    status: int = 500
    title: str = "Internal Server Error"
    detail: str = ""
    type: str = "about:blank"
    errors: tuple[FieldError, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [{"pointer": e.pointer, "detail": e.detail} for e in self.errors]
        return body


def _problem(status: HTTPStatus, slug: str | None = None) -> dict[str, Any]:
    return {
        "status": status.value,
        "title": status.phrase,
        "type": f"{PROBLEM_DOCS}{slug}" if slug else "about:blank",
    }


class BadRequest(PortalError):
    def __init__(self, detail: str, errors: tuple[FieldError, ...] = ()) -> None:
        super().__init__(
            detail=detail, errors=errors, **_problem(HTTPStatus.BAD_REQUEST, "invalid-input")
        )


class Unauthorized(PortalError):
    def __init__(self, detail: str = "Log in or send an API token.") -> None:
        super().__init__(
            detail=detail,
            headers={"WWW-Authenticate": 'Bearer realm="statistikkportalen"'},
            **_problem(HTTPStatus.UNAUTHORIZED, "unauthorized"),
        )


class Forbidden(PortalError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, **_problem(HTTPStatus.FORBIDDEN, "forbidden"))


class NotFound(PortalError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, **_problem(HTTPStatus.NOT_FOUND))


class Conflict(PortalError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, **_problem(HTTPStatus.CONFLICT, "conflict"))


class PreconditionFailed(PortalError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, **_problem(HTTPStatus.PRECONDITION_FAILED, "stale-version"))


class DatabaseUnavailable(PortalError):
    """The database is busy past its timeouts or does not answer (issue 16): a 503 the client may retry,
    never a hang or a 500."""

    def __init__(self, detail: str = "The database does not answer; try again shortly.") -> None:
        super().__init__(detail=detail, **_problem(HTTPStatus.SERVICE_UNAVAILABLE))


class NotAcceptable(PortalError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, **_problem(HTTPStatus.NOT_ACCEPTABLE))


class UnsupportedMediaType(PortalError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, **_problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE))


def is_api_path(path: str) -> bool:
    """API paths (and the DCAT catalogue, which only machines read) answer errors as problem+json;
    everything else gets an HTML page."""
    return path.startswith(("/api/", "/catalog")) or path == "/healthz"


def from_http_exception(exc: HTTPException) -> PortalError:
    status = exc.code or 500
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = exc.name
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in {"content-type"}}
    detail = exc.description or ""
    if status == 413:
        detail = "The request body is larger than this endpoint accepts."
    return PortalError(status=status, title=phrase, detail=detail, headers=headers)


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
            json.dumps(error.to_problem(instance=request.path)),
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
        # The last line of defence behind portal.inputs: a value the database cannot store (a number
        # out of its range, a text too long for its column, a NUL character) is the client's mistake.
        # The request's transaction is rolled back at teardown, so nothing is changed.
        log.warning(
            "refused a value the database cannot store on %s %s: %s",
            request.method,
            request.path,
            str(exc.orig).splitlines()[0] if exc.orig else exc,
        )
        return render_error(
            BadRequest("A value in the request is out of range, too long or holds a NUL character.")
        )

    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    from portal.concurrency import is_lost_race

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def _lost_race(exc: Exception) -> Response:
        # Issue 16: the last line of defence behind portal.concurrency. A write that lost a race
        # (its conditional UPDATE matched no row, or its new key was taken meanwhile) is a 409 after
        # its transaction is rolled back, so the error page can still read; any other integrity
        # error is a bug and answers 500.
        if not is_lost_race(exc):
            return _unexpected(exc)
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
        log.info("a write lost a race on %s %s: %s", request.method, request.path, exc)
        return render_error(
            Conflict("Someone changed this at the same moment; reload and try again.")
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(PortalError(detail="Something went wrong on our side."))

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
        return render_error(DatabaseUnavailable())
