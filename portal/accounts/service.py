"""Users, passwords and API tokens. No Flask here: views and the CLI call these with an explicit actor."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import ApiToken, Role, User
from portal.kernel.access import Actor, Permission, ensure_permission
from portal.kernel.audit import record_change, record_write
from portal.kernel.errors import BadRequest, Conflict, Forbidden, NotFound
from portal.programme.models import Producer

_hasher = PasswordHasher()
# A fixed hash to verify against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
TOKEN_PREFIX = "spt_"  # noqa: S105  (a public prefix that makes leaked tokens easy to spot)
MIN_PASSWORD_LENGTH = 12
# Writing last_used_at on every request would turn each API read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just created. ``secret`` exists only here: the database keeps its hash."""

    id: int
    name: str
    producer_short_name: str
    prefix: str
    secret: str


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest("").said("accounts.password_short", n=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def _retired(producer: Producer | None) -> bool:
    return producer is not None and producer.retired_at is not None


def user_actor(user: User) -> Actor:
    """The actor for a logged-in user; a user of a retired producer keeps read access only."""
    role = "retired" if _retired(user.producer) else user.role
    return Actor(kind="user", id=user.id, label=user.email, role=role, producer_id=user.producer_id)


def token_actor(token: ApiToken) -> Actor:
    """A producer's token writes as an editor of that producer; a token without a producer was made by a
    portal administrator for administration. A retired producer's token can no longer write."""
    if token.producer_id is None:
        role = Role.PORTAL_ADMIN.value
    else:
        role = "retired" if _retired(token.producer) else "token"
    return Actor(
        kind="token",
        id=token.id,
        label=f"token {token.prefix}… ({token.name})",
        role=role,
        producer_id=token.producer_id,
    )


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    producer: Producer | None,
    now: datetime,
) -> User:
    """Create a user. Raises BadRequest (role without producer, short password), Conflict (e-mail taken)."""
    if role is Role.PORTAL_ADMIN:
        if not actor.is_portal_admin:
            raise BadRequest("").said("accounts.only_admin_creates_admin")
        producer = None
    else:
        if producer is None:
            raise BadRequest("").said("accounts.role_needs_producer")
        ensure_permission(actor, Permission.USER_MANAGE, producer.id)
        if producer.retired_at is not None:
            raise Conflict("").said("accounts.retired_no_users", producer=producer.short_name)
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise BadRequest("").said("accounts.not_email")
    if not name.strip() or len(name) > 200:
        raise BadRequest("").said("accounts.name_length")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("").said("accounts.email_taken", email=email)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role.value,
        producer_id=producer.id if producer else None,
        is_active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record_change(
        session,
        actor,
        now,
        "create",
        "user",
        user,
        after={"email": user.email, "name": user.name, "role": user.role},
    )
    return user


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active user with these credentials, or None. Rehashes outdated hashes on the way."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    return user


def load_user(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session, actor: Actor, *, producer: Producer | None, name: str, now: datetime
) -> NewToken:
    """Create an API token for ``producer``; the secret is returned once and only its hash is stored.

    Without a producer the token is a portal administrator's, for the administration API; only portal
    administrators make those. Raises Forbidden, BadRequest, Conflict (a retired producer)."""
    if producer is None:
        if actor.kind == "token" or not actor.is_portal_admin:
            raise Forbidden("").said("accounts.only_admin_admin_tokens")
    else:
        ensure_permission(actor, Permission.TOKEN_MANAGE, producer.id)
        if producer.retired_at is not None:
            raise Conflict("").said("accounts.retired_no_tokens", producer=producer.short_name)
    name = name.strip()
    if not name or len(name) > 100:
        raise BadRequest("").said("accounts.token_name_length")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        producer_id=producer.id if producer else None,
        created_by_user_id=actor.id if actor.kind == "user" else None,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=_hash_token(secret),
        created_at=now,
        created_by=actor.label,
    )
    session.add(token)
    session.flush()
    record_write(
        session,
        actor=actor,
        at=now,
        action="create",
        entity="api_token",
        entity_id=str(token.id),
        producer_id=producer.id if producer else None,
        before=None,
        after={"name": name, "prefix": token.prefix},
    )
    owner = producer.short_name if producer else "portal administration"
    return NewToken(token.id, name, owner, token.prefix, secret)


def resolve_token(session: Session, secret: str, now: datetime) -> ApiToken | None:
    """The live token matching ``secret``; None if unknown or revoked. Reads only: its last use is
    recorded apart (:func:`token_use_due`, :func:`record_token_use`), so that bookkeeping never turns
    a read into a write that can fail (issue 16)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(secret)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def token_use_due(token: ApiToken, now: datetime) -> bool:
    """Whether the token's last use (UTC) is older than :data:`LAST_USED_RESOLUTION` at ``now``."""
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION


def record_token_use(session: Session, token_id: int, now: datetime) -> None:
    """Set the token's last use to ``now`` (aware, UTC), never moving it back (caller commits)."""
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now),
        )
        .values(last_used_at=now)
    )


def list_tokens(session: Session, producer_id: int) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.producer_id == producer_id).order_by(ApiToken.id)
    return list(session.scalars(stmt))


def revoke_token(session: Session, actor: Actor, token_id: int, now: datetime) -> ApiToken:
    """Revoke a token for good. Raises NotFound, Forbidden (another producer's token)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("").said("accounts.no_token", id=token_id)
    if token.producer_id is None:
        if not actor.is_portal_admin:
            raise Forbidden("").said("accounts.other_producer")
    else:
        ensure_permission(actor, Permission.TOKEN_MANAGE, token.producer_id)
    if token.revoked_at is None:
        end_token(session, actor, token, now)
    return token


def end_token(
    session: Session, actor: Actor, token: ApiToken, now: datetime, because: str | None = None
) -> None:
    """Revoke ``token`` at ``now`` and say so in the audit log (with why, when it is not the actor's
    own decision)."""
    token.revoked_at = now
    after = {"revoked_at": now.isoformat()} | ({"because": because} if because else {})
    record_change(
        session, actor, now, "revoke", "api_token", token, before={"revoked_at": None}, after=after
    )
