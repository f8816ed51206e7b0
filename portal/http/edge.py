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

M = TypeVar("M", bound=BaseModel)


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
        raise UnsupportedMediaType("Send the body as application/json.")
    try:
        return model.model_validate_json(request.get_data(cache=False) or b"")
    except ValidationError as exc:
        errors = tuple(
            FieldError("/" + "/".join(str(p) for p in err["loc"]), err["msg"])
            for err in exc.errors()
        )
        if any(err["type"] == "json_invalid" for err in exc.errors()):
            raise BadRequest("The body is not valid JSON.", errors) from None
        raise BadRequest("The body does not match the schema.", errors) from None


def if_match_version() -> int | None:
    """The version named by ``If-Match`` (an ETag this API gave, ``"3"`` or ``W/"3"``); None when the
    header is absent. Raises BadRequest for anything else."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise BadRequest(
            "If-Match must be an ETag this API gave you.", (FieldError("If-Match", "an ETag"),)
        ) from None


def etag(version: int) -> str:
    """The ETag of a row at ``version``, as ``If-Match`` takes it back."""
    return f'"{version}"'


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
