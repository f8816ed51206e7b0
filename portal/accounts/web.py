"""The accounts domain's side of a request: the user behind the session cookie on pages, the token behind
``Authorization`` on the API, loaded before every request into ``g.user`` and ``g.actor``; logging in and out."""

from __future__ import annotations

from typing import ParamSpec, TypeVar

from flask import Flask, g, request, session

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
from portal.http import instant
from portal.http.db import get_database, get_session
from portal.kernel.access import Actor
from portal.kernel.errors import Unauthorized

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


def _load_from_token() -> None:
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized().said("accounts.bearer_format")
    db = get_session()
    now = instant.now()
    token = resolve_token(db, secret.strip(), now)
    if token is None:
        raise Unauthorized().said("accounts.token_unknown")
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
