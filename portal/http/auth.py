"""Who is asking: a user through the session cookie on pages, a token through ``Authorization`` on the API.

The JSON API ignores the session cookie entirely (see :mod:`portal.http.security` on CSRF), and pages ignore
bearer tokens. Either way the result is one :class:`~portal.kernel.access.Actor` on ``g.actor``, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g

from portal.kernel.access import Actor
from portal.kernel.errors import Unauthorized

P = ParamSpec("P")
R = TypeVar("R")


def current_actor() -> Actor | None:
    actor: Actor | None = g.get("actor")
    return actor


def signed_in_actor() -> Actor:
    """The logged-in actor, for views behind :func:`login_required` (which guarantees one)."""
    actor = current_actor()
    assert actor is not None, "login_required guarantees an actor"
    return actor


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Pages for logged-in users only. Raises Unauthorized (401, with a link to log in)."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if g.get("user") is None:
            raise Unauthorized("Log in to see this page.")
        return view(*args, **kwargs)

    return wrapper
