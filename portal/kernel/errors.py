"""One error type for the whole portal, without Flask: the kernel and the domains' services raise
:class:`PortalError` (or a subclass); :mod:`portal.http.errors` renders it, once, at the app level."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

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
