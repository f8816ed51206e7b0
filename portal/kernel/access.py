"""Who may do what, and what is public when: the portal's two access rules, each written once.

* The producer-scoping rule: drafts and writes are restricted to the producers of the acting user or
  token. Services take the :class:`Actor` as an explicit argument and call :func:`ensure_permission`;
  views never filter by producer themselves.
* The visibility rule: anything tied to a release time is public from that instant on, computed from the
  clock at query time (never flipped by a job). :func:`is_visible` is the predicate and
  :func:`visible_filter` the same rule as a query filter.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, not_, or_
from sqlalchemy.orm import InstrumentedAttribute

from portal.kernel.errors import Forbidden, Unauthorized
from portal.kernel.i18n import register_messages


class Permission(enum.StrEnum):
    """Every permission in the portal, named ``scope:resource:action``."""

    STATISTIC_CREATE = "programme:statistic:create"
    STATISTIC_UPDATE = "programme:statistic:update"
    RELEASE_WRITE = "calendar:release:write"
    DOCUMENTATION_WRITE = "metadata:documentation:write"
    CODELIST_WRITE = "metadata:codelist:write"
    TABLE_WRITE = "pxbridge:table:write"
    # Registering a remote PxWeb is a portal administrator's job: the portal then calls that host.
    REMOTE_MANAGE = "pxbridge:remote:manage"
    TOKEN_MANAGE = "accounts:token:manage"  # noqa: S105  (a permission name, not a secret)
    USER_MANAGE = "accounts:user:manage"
    AUDIT_READ = "accounts:audit:read"


#: What each permission lets one do, in words for the refusal (never the permission's code).
_DOING: dict[Permission, tuple[str, str]] = {
    Permission.STATISTIC_CREATE: ("å opprette statistikker", "creating statistics"),
    Permission.STATISTIC_UPDATE: ("å endre statistikker", "changing statistics"),
    Permission.RELEASE_WRITE: ("å endre publiseringskalenderen", "changing the release calendar"),
    Permission.DOCUMENTATION_WRITE: (
        "å endre «Om statistikken»",
        "changing the documentation (About the statistics)",
    ),
    Permission.CODELIST_WRITE: ("å endre kodelister", "changing code lists"),
    Permission.TABLE_WRITE: ("å endre tabeller", "changing tables"),
    Permission.REMOTE_MANAGE: (
        "å registrere eksterne PxWeb-tjenester",
        "registering remote PxWeb hosts",
    ),
    Permission.TOKEN_MANAGE: ("å forvalte API-nøkler", "managing API tokens"),
    Permission.USER_MANAGE: ("å forvalte brukere", "managing users"),
    Permission.AUDIT_READ: ("å lese endringsloggen", "reading the audit log"),
}
register_messages(
    {
        f"access.denied.{p.value}": (
            f"Rollen din gir ikke lov til {nb}.",
            f"Your role does not allow {en}.",
        )
        for p, (nb, en) in _DOING.items()
    }
    | {
        "access.other_producer": (
            "Dette hører til en annen produsent.",
            "This belongs to another producer.",
        )
    }
)

_EDITOR = frozenset(
    {
        Permission.STATISTIC_CREATE,
        Permission.STATISTIC_UPDATE,
        Permission.RELEASE_WRITE,
        Permission.DOCUMENTATION_WRITE,
        Permission.CODELIST_WRITE,
        Permission.TABLE_WRITE,
    }
)
_PRODUCER_ADMIN = _EDITOR | {Permission.TOKEN_MANAGE, Permission.USER_MANAGE, Permission.AUDIT_READ}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "editor": _EDITOR,
    "producer-admin": _PRODUCER_ADMIN,
    "portal-admin": frozenset(Permission),
    # A producer's own system pushing content: editor rights, never account management.
    "token": _EDITOR,
    # A user or token of a retired producer: it may still log in and read, but no longer publish.
    "retired": frozenset(),
}


@dataclass(frozen=True)
class Actor:
    """Whoever is making a change: a logged-in user, an API token, or the command line."""

    kind: str  # "user", "token" or "cli"
    id: int | None
    label: str
    role: str
    producer_id: int | None

    @property
    def is_portal_admin(self) -> bool:
        return self.role == "portal-admin"

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())


CLI_ACTOR = Actor(kind="cli", id=None, label="command line", role="portal-admin", producer_id=None)


def ensure_permission(actor: Actor | None, permission: Permission, producer_id: int) -> Actor:
    """Return the actor if it may use ``permission`` on ``producer_id``'s things.

    Raises Unauthorized (401) without an actor, Forbidden (403) for another producer or a missing right.
    """
    if actor is None:
        raise Unauthorized()
    if not actor.can(permission):
        raise Forbidden("").said(f"access.denied.{permission.value}")
    if not actor.is_portal_admin and actor.producer_id != producer_id:
        raise Forbidden("").said("access.other_producer")
    return actor


def writable_producer_ids(actor: Actor) -> frozenset[int] | None:
    """The producers whose drafts and writes ``actor`` may see; None means every producer."""
    if actor.is_portal_admin:
        return None
    return frozenset({actor.producer_id}) if actor.producer_id is not None else frozenset()


def is_visible(release_at: datetime | None, now: datetime) -> bool:
    """Public at ``now`` if it has no release time or its release time has come (both aware)."""
    return release_at is None or release_at <= now


def visible_filter(
    release_at: InstrumentedAttribute[datetime | None] | InstrumentedAttribute[datetime],
    now: datetime,
) -> ColumnElement[bool]:
    """:func:`is_visible` as a SQL condition on a release-time column. A column that cannot be NULL gets
    no ``IS NULL`` branch, so the condition stays a plain range on its index."""
    if getattr(release_at.expression, "nullable", True):
        return or_(release_at.is_(None), release_at <= now)
    return release_at <= now


#: The only state in which a release ever goes out; provisional and cancelled releases never do. The
#: calendar's ``State`` names the same values (a test holds them equal; this module imports no domain).
RELEASED_STATE = "confirmed"
#: A withdrawn release: it never goes out, and nothing tied to it waits for it.
CANCELLED_STATE = "cancelled"
#: The instant of something that never goes out (tied to a provisional or cancelled release).
NEVER = datetime(9999, 1, 1, tzinfo=UTC)


def is_released(state: str, release_at: datetime, now: datetime) -> bool:
    """Whether a release, and everything attached to it, is public at ``now`` (equal access, K15).

    Only a confirmed release goes out, at its announced instant and not a second before; nobody presses a
    button. Every channel (pages, API, feeds, search, sitemap) asks this or :func:`released_filter`.
    """
    return state == RELEASED_STATE and is_visible(release_at, now)


def released_filter(
    state: InstrumentedAttribute[str], release_at: InstrumentedAttribute[datetime], now: datetime
) -> ColumnElement[bool]:
    """:func:`is_released` as a SQL condition."""
    return and_(state == RELEASED_STATE, visible_filter(release_at, now))


def goes_out_at(state: str, release_at: datetime) -> datetime:
    """The instant a release in ``state`` goes out (UTC as given): its release time once confirmed,
    :data:`NEVER` otherwise. ``is_released(state, t, now)`` is ``is_visible(goes_out_at(state, t), now)``,
    for channels that store the instant (the search index) rather than ask at each read."""
    return release_at if state == RELEASED_STATE else NEVER


def is_embargoed(state: str, release_at: datetime, now: datetime) -> bool:
    """Confirmed but not out yet at ``now``: announced, and everything tied to it still held back."""
    return state == RELEASED_STATE and not is_visible(release_at, now)


def embargoed_filter(
    state: InstrumentedAttribute[str], release_at: InstrumentedAttribute[datetime], now: datetime
) -> ColumnElement[bool]:
    """:func:`is_embargoed` as a SQL condition."""
    return and_(state == RELEASED_STATE, not_(visible_filter(release_at, now)))


def is_pending(state: str, release_at: datetime, now: datetime) -> bool:
    """Neither out at ``now`` nor cancelled: what is tied to it waits for it (a provisional release
    included, which may still be confirmed). Its negation is "released or cancelled"."""
    return state != CANCELLED_STATE and not is_released(state, release_at, now)


def pending_filter(
    state: InstrumentedAttribute[str], release_at: InstrumentedAttribute[datetime], now: datetime
) -> ColumnElement[bool]:
    """:func:`is_pending` as a SQL condition."""
    return and_(
        state != CANCELLED_STATE,
        or_(state != RELEASED_STATE, not_(visible_filter(release_at, now))),
    )


def ahead_filter(
    state: InstrumentedAttribute[str], release_at: InstrumentedAttribute[datetime], now: datetime
) -> ColumnElement[bool]:
    """Not cancelled and its release time still ahead of ``now`` (confirmed or provisional): the
    calendar's coming releases."""
    return and_(not_(visible_filter(release_at, now)), state != CANCELLED_STATE)
