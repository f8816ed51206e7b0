"""/api/v1/admin: the administration API for portal administrators' tokens (``portal token create
--admin``, or /min-side/admin/nokler). Every call goes through the same services as the administration
pages and the CLI, so the rules (who may, what is audited, what ends sessions) are the same everywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from flask import Blueprint, Flask, Response, request, url_for
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from portal.accounts import admin as users_admin
from portal.accounts.models import ApiToken, Role, User
from portal.accounts.service import revoke_token
from portal.api.schemas import Email, Name, Slug, _In
from portal.http.auth import current_actor
from portal.http.db import get_session
from portal.http.edge import (
    Write,
    json_response,
    parse_body,
    register_api,
    require_actor_present,
    write_endpoint,
)
from portal.http.openapi import Operation, Param, operation, problems
from portal.kernel import audit
from portal.kernel.audit import AuditEntry
from portal.kernel.errors import BadRequest, FieldError, Forbidden
from portal.programme import admin as programme_admin
from portal.programme.models import Producer, SubjectArea
from portal.programme.service import find_producer

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OrgNumber = Annotated[str, StringConstraints(pattern=r"^(\d{9})?$")]
Website = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=300)]


class ProducerCreate(_In):
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
    short_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
    ]
    name_nb: ShortText
    name_en: ShortText
    website: Website
    org_number: OrgNumber | None = None


class ProducerPatch(_In):
    short_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None
    ) = None
    name_nb: ShortText | None = None
    name_en: ShortText | None = None
    website: Website | None = None
    org_number: OrgNumber | None = None
    retired: bool | None = Field(
        None, description="true retires the producer, false reinstates it."
    )


class ProducerAdminOut(BaseModel):
    # Read straight from the record: the fields are the model's own names.
    model_config = ConfigDict(from_attributes=True)

    slug: str
    short_name: str
    name_nb: str
    name_en: str
    website: str
    org_number: str | None
    retired_at: datetime | None


class ProducerAdminList(BaseModel):
    items: list[ProducerAdminOut]


class SubjectAreaCreate(_In):
    slug: Slug
    name_nb: ShortText
    name_en: ShortText
    position: Annotated[int, Field(ge=1, le=10_000)] | None = None


class SubjectAreaPatch(_In):
    name_nb: ShortText | None = None
    name_en: ShortText | None = None
    position: Annotated[int, Field(ge=1, le=10_000)] | None = None
    retired: bool | None = None


class SubjectAreaAdminOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name_nb: str
    name_en: str
    position: int
    retired_at: datetime | None


class StatisticStatus(_In):
    retired: bool


class StatisticStatusOut(BaseModel):
    slug: str
    retired_at: datetime | None


class UserInvite(_In):
    email: Email
    name: Name
    role: Role
    producer: Slug | None = Field(None, description="Required unless the role is portal-admin.")


class UserPatch(_In):
    role: Role | None = None
    producer: Slug | None = None
    active: bool | None = Field(
        None, description="false disables the user: sessions end, their tokens are revoked."
    )


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    role: str
    producer: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class UserListOut(BaseModel):
    items: list[UserOut]


class LinkOut(BaseModel):
    user: UserOut
    link: str = Field(description="The one-time link; shown only in this answer.")
    expires_at: datetime


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    producer: str | None = Field(description="Null for an administration token.")
    created_by: str
    created_by_user: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenListOut(BaseModel):
    items: list[TokenOut]


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor_kind: str
    actor: str
    producer_id: int | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None


class AuditListOut(BaseModel):
    items: list[AuditOut]
    next: str | None


def _user(u: User) -> UserOut:
    return UserOut(
        id=u.id,
        email=u.email,
        name=u.name,
        role=u.role,
        producer=u.producer.slug if u.producer else None,
        active=u.is_active,
        created_at=u.created_at,
        last_login_at=u.last_login_at,
    )


def _producer(p: Producer) -> ProducerAdminOut:
    return ProducerAdminOut.model_validate(p)


def _area(a: SubjectArea) -> SubjectAreaAdminOut:
    return SubjectAreaAdminOut.model_validate(a)


def _token(t: ApiToken) -> TokenOut:
    return TokenOut(
        id=t.id,
        name=t.name,
        prefix=t.prefix,
        producer=t.producer.slug if t.producer else None,
        created_by=t.created_by,
        created_by_user=t.created_by_user_id,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
    )


def _entry(e: AuditEntry) -> AuditOut:
    return AuditOut(
        id=e.id,
        at=e.at,
        actor_kind=e.actor_kind,
        actor=e.actor_label,
        producer_id=e.producer_id,
        action=e.action,
        entity=e.entity,
        entity_id=e.entity_id,
        before=e.before,
        after=e.after,
    )


@bp.before_request
def _admin() -> None:
    """Every administration call needs a portal administrator's token (401 without one, 403 else),
    checked once for the whole blueprint before any of its views runs."""
    require_actor_present()
    actor = current_actor()
    if actor is None or not actor.is_portal_admin:
        raise Forbidden("").said("api.admin_token_only")


ADMIN = (400, 401, 403)


@bp.get("/producers")
@operation(
    Operation(
        "Every producer, retired ones too.",
        "administration",
        {200: ("The producers.", ProducerAdminList), **problems(401, 403)},
        auth=True,
    )
)
def admin_list_producers() -> Response:
    items = [_producer(p) for p in programme_admin.list_all_producers(get_session())]
    return json_response(ProducerAdminList(items=items))


@bp.post("/producers")
@operation(
    Operation(
        "Add a producer.",
        "administration",
        {201: ("Created.", ProducerAdminOut), **problems(*ADMIN, 409, 413, 415)},
        body=ProducerCreate,
        auth=True,
    )
)
@write_endpoint
def admin_create_producer(write: Write) -> Response:
    data = parse_body(ProducerCreate)
    producer = programme_admin.create_producer(
        write.db,
        write.actor,
        slug=data.slug,
        fields=programme_admin.ProducerFields(
            data.short_name, data.name_nb, data.name_en, data.website, data.org_number or None
        ),
        now=write.at,
    )
    return json_response(_producer(producer), 201)


@bp.patch("/producers/<slug>")
@operation(
    Operation(
        "Change or retire a producer (a retired producer keeps its history; it can no longer publish).",
        "administration",
        {200: ("The producer as saved.", ProducerAdminOut), **problems(*ADMIN, 404, 409, 413, 415)},
        body=ProducerPatch,
        auth=True,
    )
)
@write_endpoint
def admin_update_producer(write: Write, slug: str) -> Response:
    data = parse_body(ProducerPatch)
    producer = programme_admin.update_producer(
        write.db,
        write.actor,
        slug,
        programme_admin.ProducerFields(
            data.short_name, data.name_nb, data.name_en, data.website, data.org_number
        ),
        write.at,
    )
    if data.retired is not None:
        producer = programme_admin.set_producer_retired(
            write.db, write.actor, slug, data.retired, write.at
        )
    return json_response(_producer(producer))


@bp.post("/subject-areas")
@operation(
    Operation(
        "Add a subject area.",
        "administration",
        {201: ("Created.", SubjectAreaAdminOut), **problems(*ADMIN, 409, 413, 415)},
        body=SubjectAreaCreate,
        auth=True,
    )
)
@write_endpoint
def admin_create_subject_area(write: Write) -> Response:
    data = parse_body(SubjectAreaCreate)
    area = programme_admin.create_subject_area(
        write.db,
        write.actor,
        slug=data.slug,
        fields=programme_admin.SubjectAreaFields(data.name_nb, data.name_en, data.position),
        now=write.at,
    )
    return json_response(_area(area), 201)


@bp.patch("/subject-areas/<slug>")
@operation(
    Operation(
        "Change or retire a subject area.",
        "administration",
        {200: ("As saved.", SubjectAreaAdminOut), **problems(*ADMIN, 404, 413, 415)},
        body=SubjectAreaPatch,
        auth=True,
    )
)
@write_endpoint
def admin_update_subject_area(write: Write, slug: str) -> Response:
    data = parse_body(SubjectAreaPatch)
    area = programme_admin.update_subject_area(
        write.db,
        write.actor,
        slug,
        programme_admin.SubjectAreaFields(data.name_nb, data.name_en, data.position),
        write.at,
    )
    if data.retired is not None:
        area = programme_admin.set_subject_area_retired(
            write.db, write.actor, slug, data.retired, write.at
        )
    return json_response(_area(area))


@bp.put("/statistics/<slug>/status")
@operation(
    Operation(
        "Retire a statistic or bring it back (create, edit and move it with /api/v1/statistics).",
        "administration",
        {200: ("Its state.", StatisticStatusOut), **problems(*ADMIN, 404, 413, 415)},
        body=StatisticStatus,
        auth=True,
    )
)
@write_endpoint
def admin_statistic_status(write: Write, slug: str) -> Response:
    data = parse_body(StatisticStatus)
    statistic = programme_admin.set_statistic_retired(
        write.db, write.actor, slug, data.retired, write.at
    )
    return json_response(StatisticStatusOut(slug=slug, retired_at=statistic.retired_at))


USER_QUERY = (
    Param("producer", "Only this producer's users (slug)."),
    Param("role", "Only this role.", {"enum": [r.value for r in Role]}),
    Param("active", "Only active (true) or disabled (false) users.", {"enum": ["true", "false"]}),
    Param("q", "Part of the name or e-mail address.", {"type": "string", "maxLength": 200}),
)


@bp.get("/users")
@operation(
    Operation(
        "Users, filtered.",
        "administration",
        {200: ("The users.", UserListOut), **problems(*ADMIN)},
        query=USER_QUERY,
        auth=True,
    )
)
def admin_list_users() -> Response:
    active = _active()
    role = request.args.get("role")
    if role is not None and role not in {r.value for r in Role}:
        raise BadRequest("", (FieldError.said("role", "api.unknown_role_field"),)).said(
            "api.unknown_role"
        )
    query = users_admin.UserQuery(
        producer=request.args.get("producer") or None,
        role=role,
        active=active,
        text=(request.args.get("q") or "")[:200] or None,
    )
    items = [_user(u) for u in users_admin.list_users(get_session(), current_actor(), query)]
    return json_response(UserListOut(items=items))


def _active() -> bool | None:
    """The ``active`` filter of the user and token lists: true, false, or absent (None)."""
    active = request.args.get("active")
    if active not in (None, "true", "false"):
        raise BadRequest("", (FieldError.said("active", "api.true_or_false"),)).said(
            "api.active_bool"
        )
    return None if active is None else active == "true"


def _find_producer(slug: str | None) -> Producer | None:
    return find_producer(get_session(), slug) if slug else None


@bp.post("/users")
@operation(
    Operation(
        "Invite a user: creates the user without a password and answers a one-time link (72 hours).",
        "administration",
        {201: ("Invited.", LinkOut), **problems(*ADMIN, 404, 409, 413, 415)},
        body=UserInvite,
        auth=True,
    )
)
@write_endpoint
def admin_invite_user(write: Write) -> Response:
    data = parse_body(UserInvite)
    issued = users_admin.invite_user(
        write.db,
        write.actor,
        email=data.email,
        name=data.name,
        role=data.role,
        producer=_find_producer(data.producer),
        now=write.at,
    )
    link = url_for("web.set_password", secret=issued.secret, lang="nb", _external=True)
    return json_response(
        LinkOut(user=_user(issued.user), link=link, expires_at=issued.expires_at),
        201,
        {
            "Location": url_for(".admin_get_user", user_id=issued.user.id),
            "Cache-Control": "no-store",
        },
    )


@bp.get("/users/<int:user_id>")
@operation(
    Operation(
        "One user.",
        "administration",
        {200: ("The user.", UserOut), **problems(*ADMIN, 404)},
        auth=True,
    )
)
def admin_get_user(user_id: int) -> Response:
    return json_response(_user(users_admin.find_user(get_session(), str(user_id))))


@bp.patch("/users/<int:user_id>")
@operation(
    Operation(
        "Change a user's role and producer, or disable or enable the user. Changing the role or "
        "disabling ends every session of the user; disabling also revokes the tokens they created.",
        "administration",
        {200: ("The user as saved.", UserOut), **problems(*ADMIN, 404, 409, 413, 415)},
        body=UserPatch,
        auth=True,
    )
)
@write_endpoint
def admin_update_user(write: Write, user_id: int) -> Response:
    data = parse_body(UserPatch)
    db, actor = write.db, write.actor
    user = users_admin.find_user(db, str(user_id))
    given = data.model_fields_set
    if "role" in given or "producer" in given:
        role = data.role or Role(user.role)
        producer = _find_producer(data.producer) if "producer" in given else user.producer
        users_admin.set_role(db, actor, user.id, role=role, producer=producer, now=write.at)
    if data.active is not None:
        users_admin.set_active(db, actor, user.id, data.active, write.at)
    return json_response(_user(user))


@bp.post("/users/<int:user_id>/password-reset")
@operation(
    Operation(
        "A one-time link that lets the user choose a new password (72 hours).",
        "administration",
        {201: ("The link.", LinkOut), **problems(401, 403, 404)},
        auth=True,
    )
)
@write_endpoint
def admin_reset_password(write: Write, user_id: int) -> Response:
    issued = users_admin.issue_password_reset(write.db, write.actor, user_id, write.at)
    link = url_for("web.set_password", secret=issued.secret, lang="nb", _external=True)
    return json_response(
        LinkOut(user=_user(issued.user), link=link, expires_at=issued.expires_at),
        201,
        {"Cache-Control": "no-store"},
    )


@bp.get("/tokens")
@operation(
    Operation(
        "Every API token (never its secret): producer, creator, last use.",
        "administration",
        {200: ("The tokens.", TokenListOut), **problems(*ADMIN)},
        query=(
            Param("producer", "Only this producer's tokens (slug)."),
            Param("active", "Only live (true) or revoked (false).", {"enum": ["true", "false"]}),
        ),
        auth=True,
    )
)
def admin_list_tokens() -> Response:
    tokens = users_admin.list_all_tokens(
        get_session(),
        current_actor(),
        producer=request.args.get("producer") or None,
        active=_active(),
    )
    return json_response(TokenListOut(items=[_token(t) for t in tokens]))


@bp.delete("/tokens/<int:token_id>")
@operation(
    Operation(
        "Revoke any token for good.",
        "administration",
        {204: ("Revoked.", None), **problems(401, 403, 404)},
        auth=True,
    )
)
@write_endpoint
def admin_delete_token(write: Write, token_id: int) -> Response:
    assert write.actor is not None  # the blueprint's guard let only an administrator in
    revoke_token(write.db, write.actor, token_id, write.at)
    return Response(status=204)


AUDIT_QUERY = (
    Param("actor", "Part of the actor's label.", {"type": "string", "maxLength": 200}),
    Param("producer", "Only this producer's entries (slug)."),
    Param("entity", "Only this kind of object (statistic, release, user, api_token, …)."),
    Param("since", "From this instant (RFC 3339).", {"type": "string", "format": "date-time"}),
    Param("until", "Before this instant (RFC 3339).", {"type": "string", "format": "date-time"}),
    Param("before", "Paging: entries older than this id.", {"type": "integer", "minimum": 1}),
    Param("limit", "At most this many (1–500).", {"type": "integer", "minimum": 1, "maximum": 500}),
)


def _instant(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest("", (FieldError.said(name, "api.instant_example"),)).said(
            "api.instant", name=name
        )
    return moment


def _integer(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw[:12]) <= high:
        raise BadRequest("", (FieldError.said(name, "api.out_of_range"),)).said(
            "api.range", name=name, low=low, high=high
        )
    return int(raw)


@bp.get("/audit")
@operation(
    Operation(
        "The audit log, newest first, filtered.",
        "administration",
        {200: ("Entries.", AuditListOut), **problems(*ADMIN)},
        query=AUDIT_QUERY,
        auth=True,
    )
)
def admin_audit_log() -> Response:
    db = get_session()
    producer_id = None
    if request.args.get("producer"):
        producer_id = find_producer(db, request.args["producer"]).id
    limit = _integer("limit", 100, 1, 500) or 100
    query = audit.AuditQuery(
        actor=(request.args.get("actor") or "")[:200] or None,
        producer_id=producer_id,
        entity=(request.args.get("entity") or "")[:40] or None,
        since=_instant("since"),
        until=_instant("until"),
        before_id=_integer("before", None, 1, 2**31 - 1),
    )
    entries = audit.list_entries(db, producer_ids=None, limit=limit, query=query)
    following = None
    if len(entries) == limit:
        args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "before"}
        following = url_for(".admin_audit_log", before=entries[-1].id, **args)
    return json_response(AuditListOut(items=[_entry(e) for e in entries], next=following))


def init_app(app: Flask) -> None:
    register_api(app, bp)
