"""What every JSON API of the portal does at its edge: parse bodies, answer JSON, register blueprints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from flask import Blueprint, Flask, Response, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from portal.http.auth import current_actor
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.security import csrf, limit_blueprint
from portal.kernel.access import Actor
from portal.kernel.errors import BadRequest, FieldError, Unauthorized, UnsupportedMediaType
from portal.kernel.i18n import register_messages

M = TypeVar("M", bound=BaseModel)

#: Why a body's field is refused, by pydantic's error type: the API answers pydantic's own English
#: (``{msg}``, as it always has); Norwegian readers get a sentence of ours.
_INPUT: dict[str, str] = {
    "missing": "Feltet mangler.",
    "extra_forbidden": "Feltet er ikke kjent her.",
    "string_type": "Verdien må være tekst.",
    "string_too_long": "Teksten er for lang.",
    "string_too_short": "Teksten er for kort.",
    "string_pattern_mismatch": "Verdien har ikke riktig form.",
    "int_type": "Verdien må være et helt tall.",
    "int_parsing": "Verdien må være et helt tall.",
    "int_from_float": "Verdien må være et helt tall.",
    "float_type": "Verdien må være et tall.",
    "float_parsing": "Verdien må være et tall.",
    "bool_type": "Verdien må være true eller false.",
    "bool_parsing": "Verdien må være true eller false.",
    "list_type": "Verdien må være en liste.",
    "dict_type": "Verdien må være et objekt.",
    "model_type": "Verdien må være et objekt.",
    "model_attributes_type": "Verdien må være et objekt.",
    "enum": "Verdien er ikke et av valgene.",
    "literal_error": "Verdien er ikke et av valgene.",
    "date_parsing": "Datoen må skrives som ÅÅÅÅ-MM-DD og finnes i kalenderen.",
    "date_from_datetime_parsing": "Datoen må skrives som ÅÅÅÅ-MM-DD og finnes i kalenderen.",
    "date_type": "Datoen må skrives som ÅÅÅÅ-MM-DD.",
    "datetime_parsing": "Tidspunktet må skrives som ÅÅÅÅ-MM-DDTtt:mm med tidssone.",
    "datetime_from_date_parsing": "Tidspunktet må skrives som ÅÅÅÅ-MM-DDTtt:mm med tidssone.",
    "datetime_type": "Tidspunktet må skrives som ÅÅÅÅ-MM-DDTtt:mm med tidssone.",
    "timezone_aware": "Tidspunktet må ha en tidssone.",
    "greater_than": "Tallet er for lite.",
    "greater_than_equal": "Tallet er for lite.",
    "less_than": "Tallet er for stort.",
    "less_than_equal": "Tallet er for stort.",
    "too_short": "Listen har for få elementer.",
    "too_long": "Listen har for mange elementer.",
    "json_invalid": "Innholdet er ikke gyldig JSON.",
    "json_type": "Innholdet er ikke gyldig JSON.",
    "url_parsing": "Adressen er ikke gyldig.",
    "url_scheme": "Adressen må begynne med http:// eller https://.",
    "value_error": "Verdien kan ikke brukes.",
}
register_messages(
    {f"edge.input.{kind}": (nb, "{msg}") for kind, nb in _INPUT.items()}
    | {
        "edge.input.other": ("Verdien kan ikke brukes her.", "{msg}"),
        "edge.send_json": (
            "Send innholdet som application/json.",
            "Send the body as application/json.",
        ),
        "edge.not_json": ("Innholdet er ikke gyldig JSON.", "The body is not valid JSON."),
        "edge.not_schema": (
            "Innholdet har ikke den formen API-et venter.",
            "The body does not match the schema.",
        ),
        "edge.if_match": (
            "If-Match må være en ETag som API-et har gitt deg.",
            "If-Match must be an ETag this API gave you.",
        ),
        "edge.an_etag": ("en ETag", "an ETag"),
    }
)


def _input_error(err: dict[str, object]) -> FieldError:
    """One of pydantic's errors as a field error: its pointer, pydantic's English as the detail, ours in
    Norwegian."""
    kind = str(err.get("type", ""))
    key = f"edge.input.{kind}" if kind in _INPUT else "edge.input.other"
    loc = err.get("loc") or ()
    pointer = "/" + "/".join(str(p) for p in loc)  # type: ignore[attr-defined]
    return FieldError.said(pointer, key, msg=str(err.get("msg", "")))


def json_response(
    model: BaseModel, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    response = Response(model.model_dump_json(), status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def parse_body(model: type[M]) -> M:
    """The request body validated against ``model``. Raises UnsupportedMediaType, BadRequest."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("").said("edge.send_json")
    try:
        return model.model_validate_json(request.get_data(cache=False) or b"")
    except ValidationError as exc:
        errors = tuple(_input_error(dict(err)) for err in exc.errors())
        if any(err["type"] == "json_invalid" for err in exc.errors()):
            raise BadRequest("", errors).said("edge.not_json") from None
        raise BadRequest("", errors).said("edge.not_schema") from None


def if_match_version() -> int | None:
    """The version named by ``If-Match`` (an ETag this API gave, ``"3"`` or ``W/"3"``); None when the
    header is absent. Raises BadRequest for anything else."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise BadRequest("", (FieldError.said("If-Match", "edge.an_etag"),)).said(
            "edge.if_match"
        ) from None


def etag(version: int) -> str:
    """The ETag of a row at ``version``, as ``If-Match`` takes it back."""
    return f'"{version}"'


def not_modified(tag: str) -> Response | None:
    """A 304 answer carrying ``tag`` (:func:`portal.kernel.etag.strong_etag`) when the request's ``If-None-Match`` names it (or is ``*``), else
    None: the caller builds the answer only then. Compared weakly, as RFC 9110 13.1.2 has
    ``If-None-Match`` compare.

    Also for POST: the table APIs' POSTs are queries (PxWebApi 2.0's data by POST, the classic API's
    only way to data) that change nothing, and harvesters send them with the ETag they were given;
    RFC 9110 would have a 412 there, which tells a client no more and breaks the one check it makes."""
    if not request.if_none_match.contains_weak(tag.strip('"')):
        return None
    return Response(status=304, headers={"ETag": tag})


def require_actor_present() -> None:
    """Writes need a token before anything else is looked at. Raises Unauthorized."""
    if current_actor() is None:
        raise Unauthorized()


def register_api(app: Flask, bp: Blueprint) -> None:
    """Attach a JSON API blueprint with no CSRF, drawing on the client's one "api" rate-limit counter.

    CSRF does not apply: API writes authenticate with bearer tokens only and the session cookie is
    ignored on /api/ paths (see portal.http.auth), so a forged cross-site request carries no credentials.
    """
    csrf.exempt(bp)
    limit_blueprint(app, bp, "api")
    app.register_blueprint(bp)


_P = ParamSpec("_P")


@dataclass(frozen=True)
class Write:
    """What a write endpoint works with: the request's session, its actor and its instant."""

    db: Session
    actor: Actor | None
    at: datetime


def write_endpoint(view: Callable[Concatenate[Write, _P], Response]) -> Callable[_P, Response]:
    """Make ``view`` a write endpoint: 401 without a token before anything else is looked at, a
    :class:`Write` handed in as its first argument, and the transaction committed once ``view`` has
    its answer (an error rolls it back: the request's session is closed uncommitted)."""

    @wraps(view)
    def endpoint(*args: _P.args, **kwargs: _P.kwargs) -> Response:
        require_actor_present()
        write = Write(get_session(), current_actor(), now())
        response = view(write, *args, **kwargs)
        write.db.commit()
        return response

    return endpoint
