"""Who is asking: a user through the session cookie on pages, a token through ``Authorization`` on the API.

The JSON API ignores the session cookie entirely (see :mod:`portal.security` on CSRF), and pages ignore
bearer tokens. Either way the result is one :class:`~portal.access.Actor` on ``g.actor``, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, g, request, session

from portal import instant
from portal.access import Actor
from portal.accounts.admin import end_sessions
from portal.accounts.models import User
from portal.accounts.service import (
    load_user,
    record_token_use,
    resolve_token,
    token_actor,
    token_use_due,
    user_actor,
)
from portal.db import get_database, get_session
from portal.errors import Unauthorized

P = ParamSpec("P")
R = TypeVar("R")


def current_actor() -> Actor | None:
    actor: Actor | None = g.get("actor")
    return actor


def current_user() -> User | None:
    user: User | None = g.get("user")
    return user


def login_user(user: User) -> None:
    # A fresh session on login, so nothing set before authentication survives it (session fixation).
    session.clear()
    session["uid"] = user.id
    # The user's session generation: raising it (logout, disable, new password, new role) ends this
    # session on the server side, even for a copy of the cookie kept elsewhere.
    session["gen"] = user.session_generation or 0
    session.permanent = True


def logout_user() -> None:
    """End every session of the logged-in user, here and on every other device, then clear the cookie."""
    user = current_user()
    if user is not None:
        end_sessions(user)
        get_session().commit()
    session.clear()


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Pages for logged-in users only. Raises Unauthorized (401, with a link to log in)."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if current_user() is None:
            raise Unauthorized("Log in to see this page.")
        return view(*args, **kwargs)

    return wrapper


def _load_from_token() -> None:
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Send the API token as 'Authorization: Bearer <token>'.")
    db = get_session()
    now = instant.now()
    token = resolve_token(db, secret.strip(), now)
    if token is None:
        raise Unauthorized("The API token is unknown or revoked.")
    actor, token_id, due = token_actor(token), token.id, token_use_due(token, now)
    # Ends the lookup's transaction first: on SQLite a write request's transaction holds the write
    # lock, which the bookkeeping below would otherwise wait for.
    db.commit()
    if due:
        # Best effort: a busy or unreachable database skips it, and the request goes on (issue 16).
        with get_database().best_effort("recording the last use of an API token") as bookkeeping:
            record_token_use(bookkeeping, token_id, now)
    g.actor = actor


def _load_from_session() -> None:
    uid = session.get("uid")
    if not isinstance(uid, int):
        return
    user = load_user(get_session(), uid)
    if user is None or session.get("gen") != (user.session_generation or 0):
        session.clear()
        return
    g.user = user
    g.actor = user_actor(user)


def init_app(app: Flask) -> None:
    @app.before_request
    def _load_actor() -> None:
        g.actor = None
        g.user = None
        if request.path.startswith("/api/"):
            _load_from_token()
        elif not request.path.startswith("/static/"):
            _load_from_session()
