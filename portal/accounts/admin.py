"""Administering users and tokens: list, invite, change role and producer, disable and enable, reset a
password, see every token. Never imports Flask; writes check the actor, record an audit row and leave
committing to the caller.

Portal administrators manage every user; a producer's administrator manages the users of their own
producer (never portal administrators, never another producer). Ending sessions is one rule: any change
that should log a user out raises ``User.session_generation``, which every session cookie carries.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from portal.accounts.models import ApiToken, Invitation, LinkPurpose, Role, User
from portal.accounts.service import create_user, end_token, hash_password
from portal.kernel.access import Actor, Permission, ensure_permission
from portal.kernel.audit import record_change
from portal.kernel.errors import BadRequest, Conflict, FieldError, Forbidden, NotFound, Unauthorized
from portal.kernel.querying import contains
from portal.programme.models import Producer

#: How long an invitation or password-reset link works.
LINK_LIFETIME = timedelta(hours=72)
# An unusable password hash: argon2 refuses to verify against it, so nobody logs in before the link is used.
NO_PASSWORD = "!unset"  # noqa: S105


def end_sessions(user: User) -> None:
    """Every session of ``user`` ends at its next request (the cookie's generation no longer matches)."""
    user.session_generation = (user.session_generation or 0) + 1


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _manage(actor: Actor | None, user: User) -> Actor:
    """The actor if it may administer ``user``: portal administrators anyone, producer administrators
    their own producer's editors and administrators."""
    if actor is None:
        raise Unauthorized()
    if user.producer_id is None and not actor.is_portal_admin:
        raise Forbidden("").said("accounts.only_admin_manages_admin")
    return ensure_permission(actor, Permission.USER_MANAGE, user.producer_id or 0)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("").said("accounts.no_user", who=user_id)
    return user


def find_user(session: Session, key: str) -> User:
    """A user by id or e-mail address. Raises NotFound."""
    if key.isdigit() and len(key) < 12:
        return _user(session, int(key))
    user = session.scalar(select(User).where(User.email == key.strip().lower()))
    if user is None:
        raise NotFound("").said("accounts.no_user_named", who=key)
    return user


@dataclass(frozen=True)
class UserQuery:
    producer: str | None = None  # a producer's slug
    role: str | None = None
    active: bool | None = None
    text: str | None = None  # part of the name or e-mail address


def list_users(session: Session, actor: Actor | None, query: UserQuery) -> list[User]:
    """The users the actor may administer, filtered, by e-mail address."""
    if actor is None:
        raise Unauthorized()
    if not actor.can(Permission.USER_MANAGE):
        raise Forbidden("").said("accounts.may_not_manage_users")
    stmt = select(User).options(selectinload(User.producer)).order_by(User.email)
    if not actor.is_portal_admin:
        stmt = stmt.where(User.producer_id == actor.producer_id)
    if query.producer:
        stmt = stmt.join(Producer, User.producer_id == Producer.id).where(
            Producer.slug == query.producer
        )
    if query.role:
        stmt = stmt.where(User.role == query.role)
    if query.active is not None:
        stmt = stmt.where(User.is_active.is_(query.active))
    if query.text:
        stmt = stmt.where(or_(contains(User.email, query.text), contains(User.name, query.text)))
    return list(session.scalars(stmt))


def _issue_link(
    session: Session,
    actor: Actor,
    user: User,
    purpose: LinkPurpose,
    now: datetime,
    lifetime: timedelta,
) -> str:
    # A new link replaces every earlier one of the user: only the newest works.
    session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(secret),
            created_at=now,
            created_by=actor.label[:254],
            expires_at=now + lifetime,
        )
    )
    return secret


@dataclass(frozen=True)
class IssuedLink:
    user: User
    secret: str
    expires_at: datetime


def invite_user(
    session: Session,
    actor: Actor | None,
    *,
    email: str,
    name: str,
    role: Role,
    producer: Producer | None,
    now: datetime,
    lifetime: timedelta = LINK_LIFETIME,
) -> IssuedLink:
    """Create a user without a password and a one-time link that lets them set one.

    Raises 401/403 (scoping), BadRequest, Conflict (e-mail taken, retired producer)."""
    if actor is None:
        raise Unauthorized()
    user = create_user(
        session,
        actor,
        email=email,
        name=name,
        password="x" * 12,  # replaced below: an invited user has no password until the link is used
        role=role,
        producer=producer,
        now=now,
    )
    user.password_hash = NO_PASSWORD
    secret = _issue_link(session, actor, user, LinkPurpose.INVITE, now, lifetime)
    record_change(
        session,
        actor,
        now,
        "invite",
        "user",
        user,
        after={"email": user.email, "expires_at": (now + lifetime).isoformat()},
    )
    session.flush()
    return IssuedLink(user, secret, now + lifetime)


def issue_password_reset(
    session: Session,
    actor: Actor | None,
    user_id: int,
    now: datetime,
    lifetime: timedelta = LINK_LIFETIME,
) -> IssuedLink:
    """A one-time link that sets a new password. The old password works until the link is used."""
    user = _user(session, user_id)
    actor = _manage(actor, user)
    secret = _issue_link(session, actor, user, LinkPurpose.RESET, now, lifetime)
    record_change(
        session,
        actor,
        now,
        "reset-password",
        "user",
        user,
        after={"expires_at": (now + lifetime).isoformat()},
    )
    session.flush()
    return IssuedLink(user, secret, now + lifetime)


def open_link(session: Session, secret: str, now: datetime) -> Invitation | None:
    """The invitation or reset behind ``secret`` if it is unused, unexpired and its user active."""
    if not secret or len(secret) > 200:
        return None
    found = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(secret)))
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    if not found.user.is_active:
        return None
    return found


def use_link(session: Session, secret: str, password: str, now: datetime) -> User:
    """Set the password through a one-time link; the link is then spent and every session ends.

    Raises NotFound (unknown, used or expired link), BadRequest (too short a password)."""
    link = open_link(session, secret, now)
    if link is None:
        raise NotFound("").said("accounts.link_spent")
    user = link.user
    user.password_hash = hash_password(password)
    # Spent at once, and conditionally: of two uses racing, only one finds it unused.
    spent = session.execute(
        update(Invitation)
        .where(Invitation.id == link.id, Invitation.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 1) != 1:
        raise NotFound("").said("accounts.link_spent")
    end_sessions(user)
    record_change(
        session,
        Actor(kind="user", id=user.id, label=user.email, role=user.role, producer_id=None),
        now,
        "set-password",
        "user",
        user,
        after={"through": link.purpose},
    )
    session.flush()
    return user


def set_password(
    session: Session, actor: Actor | None, user_id: int, password: str, now: datetime
) -> User:
    """Set a user's password directly (the command line). Ends every session of the user."""
    user = _user(session, user_id)
    actor = _manage(actor, user)
    user.password_hash = hash_password(password)
    end_sessions(user)
    record_change(session, actor, now, "set-password", "user", user)
    session.flush()
    return user


def set_role(
    session: Session,
    actor: Actor | None,
    user_id: int,
    *,
    role: Role,
    producer: Producer | None,
    now: datetime,
) -> User:
    """Change a user's role and producer. Ends the user's sessions (their rights changed).

    Portal administrators may set any role and producer; a producer's administrator only editor or
    producer-admin within their own producer. Raises 401/403/404, BadRequest, Conflict."""
    user = _user(session, user_id)
    actor = _manage(actor, user)
    if actor.kind == "user" and actor.id == user.id:
        raise Conflict("").said("accounts.not_own_role")
    if role is Role.PORTAL_ADMIN:
        if not actor.is_portal_admin:
            raise Forbidden("").said("accounts.only_admin_makes_admin")
        producer = None
    else:
        if producer is None:
            raise BadRequest(
                "", (FieldError.said("/producer", "accounts.producer_for_role"),)
            ).said("accounts.role_needs_producer")
        ensure_permission(actor, Permission.USER_MANAGE, producer.id)
        if producer.retired_at is not None and producer.id != user.producer_id:
            raise Conflict("").said("accounts.retired_no_users", producer=producer.short_name)
    before = {"role": user.role, "producer": user.producer.slug if user.producer else None}
    user.role = role
    user.producer_id = producer.id if producer else None
    user.producer = producer
    after = {"role": user.role, "producer": producer.slug if producer else None}
    if after != before:
        end_sessions(user)
        record_change(session, actor, now, "set-role", "user", user, before=before, after=after)
    session.flush()
    return user


def set_active(
    session: Session, actor: Actor | None, user_id: int, active: bool, now: datetime
) -> User:
    """Disable a user (every session ends, every token they created is revoked, they cannot log in) or
    enable them again (their revoked tokens stay revoked). Raises 401/403/404, Conflict (yourself)."""
    user = _user(session, user_id)
    actor = _manage(actor, user)
    if not active and actor.kind == "user" and actor.id == user.id:
        raise Conflict("").said("accounts.not_disable_self")
    if user.is_active == active:
        return user
    user.is_active = active
    record_change(
        session,
        actor,
        now,
        "enable" if active else "disable",
        "user",
        user,
        before={"is_active": not active},
        after={"is_active": active},
    )
    if not active:
        end_sessions(user)
        tokens = session.scalars(
            select(ApiToken).where(
                ApiToken.created_by_user_id == user.id, ApiToken.revoked_at.is_(None)
            )
        )
        for token in tokens:
            end_token(session, actor, token, now, because=f"user {user.id} disabled")
    session.flush()
    return user


def list_all_tokens(
    session: Session,
    actor: Actor | None,
    *,
    producer: str | None = None,
    active: bool | None = None,
) -> list[ApiToken]:
    """Every token the actor may manage (portal administrators: all), newest first."""
    if actor is None:
        raise Unauthorized()
    if not actor.can(Permission.TOKEN_MANAGE):
        raise Forbidden("").said("accounts.may_not_manage_tokens")
    stmt = (
        select(ApiToken)
        .options(selectinload(ApiToken.producer), selectinload(ApiToken.creator))
        .order_by(ApiToken.id.desc())
    )
    if not actor.is_portal_admin:
        stmt = stmt.where(ApiToken.producer_id == actor.producer_id)
    if producer:
        stmt = stmt.join(Producer, ApiToken.producer_id == Producer.id).where(
            Producer.slug == producer
        )
    if active is not None:
        stmt = stmt.where(
            ApiToken.revoked_at.is_(None) if active else ApiToken.revoked_at.is_not(None)
        )
    return list(session.scalars(stmt))
