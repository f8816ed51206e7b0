"""One error type for the whole portal, without Flask: the kernel and the domains' services raise
:class:`PortalError` (or a subclass); :mod:`portal.http.errors` renders it, once, at the app level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Self

PROBLEM_JSON = "application/problem+json"
#: Relative type URIs resolve against the response's URL to the API documentation's list of problems.
PROBLEM_DOCS = "/api/v1/docs#problem-"


def _say(key: str | None, values: Mapping[str, object], fallback: str, lang: str | None) -> str:
    if key is None:
        return fallback
    from portal.kernel.i18n import translate

    return translate(key, lang, **values)


@dataclass(frozen=True)
class FieldError:
    """One invalid input field: a JSON pointer into the request (or a form field name) and why.

    ``key`` names the reason in the message catalogue (``values`` fill its ``{placeholders}``), so pages
    can show it in their language and the API in the one ``Accept-Language`` asks for; ``detail`` is the
    English text, what the API answers by default."""

    pointer: str
    detail: str
    key: str | None = field(default=None, compare=False)
    values: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def said(cls, pointer: str, key: str, **values: object) -> FieldError:
        """The field error told by the catalogue's ``key`` (its English text as ``detail``)."""
        return cls(pointer, _say(key, values, "", "en"), key, values)

    def message(self, lang: str | None = None) -> str:
        """Why, in ``lang`` (default: the request's language) when the catalogue has it."""
        return _say(self.key, self.values, self.detail, lang)


@dataclass
class PortalError(Exception):
    status: int = 500
    title: str = "Internal Server Error"
    detail: str = ""
    type: str = "about:blank"
    errors: tuple[FieldError, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    #: The detail's key in the message catalogue, and the values of its placeholders (see ``said``).
    key: str | None = None
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"

    def said(self, key: str, **values: object) -> Self:
        """This refusal told by the catalogue's ``key``: the English text becomes ``detail`` (what the
        API answers unless ``Accept-Language`` asks for Norwegian) and pages show it in their language.
        ``raise BadRequest("").said("ann.late")``; returns ``self``."""
        self.key, self.values = key, dict(values)
        self.detail = _say(key, values, self.detail, "en")
        return self

    def message(self, lang: str | None = None) -> str:
        """The detail in ``lang`` (default: the request's language) when the catalogue has it; the
        English ``detail`` otherwise."""
        return _say(self.key, self.values, self.detail, lang)

    def to_problem(self, instance: str | None = None, lang: str = "en") -> dict[str, Any]:
        """RFC 9457 problem details; ``title`` and ``type`` are stable and English, ``detail`` and each
        error's ``detail`` are in ``lang`` where the catalogue has them."""
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        detail = self.message(lang)
        if detail:
            body["detail"] = detail
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [
                {"pointer": e.pointer, "detail": e.message(lang)} for e in self.errors
            ]
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
