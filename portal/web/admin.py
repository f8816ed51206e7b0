"""Administration pages under /min-side/admin (nb) and /en/my-page/admin (en): users, tokens and the audit
log, and the one-time page where an invited user sets a password; the programme's registers (producers,
subject areas, statistics) are in portal.web.admin_programme.

Views parse the form, call a service with the logged-in actor and render; every rule (who may do what,
what is audited, what ends a session) lives in the services (portal.programme.admin, portal.accounts.admin).
Portal administrators see everything; a producer's administrator sees the users, tokens and audit log of
their own producer; anyone else gets 403.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from flask import Response, request, url_for
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from portal.accounts import admin as users_admin
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.accounts.web import current_user
from portal.http.actions import place_refusal, save, see_other, submit
from portal.http.auth import current_actor, login_required
from portal.http.db import get_session
from portal.http.forms import ButtonForm, PortalForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel import audit
from portal.kernel.access import Actor, Permission
from portal.kernel.clock import OSLO
from portal.kernel.errors import Forbidden, NotFound, PortalError
from portal.kernel.i18n import pick, translate
from portal.programme import admin as programme_admin
from portal.programme.service import find_producer
from portal.web import audit_words

NO_TWIN = "an administration page; systems use /api/v1/admin"
# Every page checks who is asking before it reads a form (require_admin), so whatever the services refuse
# after that is about what the form holds, and is shown beside it.
NO_FORM_FAULTS: frozenset[int] = frozenset()


def require_admin(permission: Permission | None = None) -> Actor:
    """The actor if it may see this administration page: portal administrators always, others only with
    ``permission`` (None: portal administrators only). Raises Forbidden."""
    actor = current_actor()
    assert actor is not None, "login_required comes first"
    if actor.is_portal_admin or (permission is not None and actor.can(permission)):
        return actor
    raise Forbidden("").said("admin.forbidden")


# ---------------------------------------------------------------------------------------------- forms


class InviteForm(PortalForm):
    email = EmailField(
        validators=[DataRequired(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    )
    name = StringField(validators=[DataRequired(), Length(max=200)])
    role = SelectField()
    producer = SelectField(validators=[Optional()])


class RoleForm(PortalForm):
    role = SelectField()
    producer = SelectField(validators=[Optional()])


class PasswordForm(PortalForm):
    password = PasswordField(validators=[DataRequired(), Length(min=12, max=500)])
    confirm = PasswordField(validators=[DataRequired(), EqualTo("password")])


class AdminTokenForm(PortalForm):
    name = StringField(validators=[DataRequired(), Length(min=1, max=100)])


def _role_choices(actor: Actor) -> list[SelectChoice]:
    roles = [r for r in Role if actor.is_portal_admin or r is not Role.PORTAL_ADMIN]
    return [SelectChoice(r.value, translate(f"role.{r.value}")) for r in roles]


def _producer_choices(actor: Actor) -> list[SelectChoice]:
    producers = [
        p
        for p in programme_admin.list_all_producers(get_session())
        if p.retired_at is None and (actor.is_portal_admin or p.id == actor.producer_id)
    ]
    none = [SelectChoice("", translate("admin.no_producer"))] if actor.is_portal_admin else []
    return none + [
        SelectChoice(p.slug, f"{p.short_name} – {pick(p.name_nb, p.name_en)}") for p in producers
    ]


F = TypeVar("F", "InviteForm", "RoleForm")


def _with_choices(form: F, actor: Actor) -> F:
    """``form`` with the roles and producers ``actor`` may give a user as its choices."""
    form.role.choices = _role_choices(actor)
    form.producer.choices = _producer_choices(actor)
    return form


def _link_url(issued: users_admin.IssuedLink) -> str:
    return url_for("web.set_password", secret=issued.secret, _external=True)


# ---------------------------------------------------------------------------------------------- index


@bilingual("/min-side/admin", "/en/my-page/admin", no_twin_because=NO_TWIN)
@login_required
def index() -> Response:
    actor = require_admin(Permission.USER_MANAGE)
    return render_page("admin/index.html", actor=actor)


# -------------------------------------------------------------------------------------------- users


@bilingual(
    "/min-side/admin/brukere",
    "/en/my-page/admin/users",
    methods=("GET", "POST"),
    no_twin_because=NO_TWIN,
)
@login_required
def users() -> Response:
    actor = require_admin(Permission.USER_MANAGE)
    db = get_session()
    form = _with_choices(InviteForm(), actor)

    def invite() -> users_admin.IssuedLink:
        producer = find_producer(db, form.producer.data) if form.producer.data else None
        return users_admin.invite_user(
            db,
            actor,
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            producer=producer,
            now=now(),
        )

    outcome = submit(form, invite, not_the_forms_fault=NO_FORM_FAULTS)
    status, link = outcome.status, None
    if outcome.value is not None:
        link = (outcome.value, _link_url(outcome.value))
        status, form = 201, _with_choices(InviteForm(formdata=None), actor)
    query = users_admin.UserQuery(
        producer=request.args.get("produsent") or None,
        role=request.args.get("rolle") or None,
        active={"1": True, "0": False}.get(request.args.get("aktiv", "")),
        text=(request.args.get("q") or "")[:200] or None,
    )
    problem = outcome.problem
    return render_page(
        "admin/users.html",
        status=status,
        form=form,
        problem=problem,
        unplaced=place_refusal(form, problem) if problem is not None else [],
        link=link,
        users=users_admin.list_users(db, actor, query),
        query=query,
        roles=_role_choices(actor),
        producers=_producer_choices(actor),
    )


@bilingual(
    "/min-side/admin/brukere/<int:user_id>",
    "/en/my-page/admin/users/<int:user_id>",
    methods=("GET", "POST"),
    no_twin_because=NO_TWIN,
)
@login_required
def user_admin(user_id: int) -> Response:
    actor = require_admin(Permission.USER_MANAGE)
    db = get_session()
    user = db.get(User, user_id)
    if user is None or (not actor.is_portal_admin and user.producer_id != actor.producer_id):
        if user is None:
            raise NotFound("").said("admin.no_user")
        raise Forbidden("").said("admin.forbidden")
    form = _with_choices(RoleForm(), actor)
    status: int = 200
    problem: PortalError | None = None
    link: tuple[users_admin.IssuedLink, str] | None = None
    action = request.form.get("action") if request.method == "POST" else None
    if request.method == "GET":
        form.process(
            data={"role": user.role, "producer": user.producer.slug if user.producer else ""}
        )
    elif action == "reset":
        if ButtonForm().validate_on_submit():
            reset = save(
                lambda: users_admin.issue_password_reset(db, actor, user.id, now()),
                not_the_forms_fault=NO_FORM_FAULTS,
            )
            status, problem = reset.status, reset.problem
            if reset.value is not None:
                link = (reset.value, _link_url(reset.value))
    elif action in {"disable", "enable"}:
        if ButtonForm().validate_on_submit():
            switched = save(
                lambda: users_admin.set_active(db, actor, user.id, action == "enable", now()),
                not_the_forms_fault=NO_FORM_FAULTS,
            )
            if switched.saved:
                return see_other("web.user_admin", user_id=user.id, saved="1")
            status, problem = switched.status, switched.problem
    else:
        outcome = submit(
            form,
            lambda: users_admin.set_role(
                db,
                actor,
                user.id,
                role=Role(form.role.data),
                producer=find_producer(db, form.producer.data) if form.producer.data else None,
                now=now(),
            ),
            not_the_forms_fault=NO_FORM_FAULTS,
        )
        if outcome.saved:
            return see_other("web.user_admin", user_id=user.id, saved="1")
        status, problem = outcome.status, outcome.problem
    return render_page(
        "admin/user.html",
        status=status,
        form=form,
        problem=problem,
        unplaced=place_refusal(form, problem) if problem is not None else [],
        link=link,
        person=user,
        is_self=actor.kind == "user" and actor.id == user.id,
        saved=request.args.get("saved") == "1",
        button_form=ButtonForm(),
    )


# ------------------------------------------------------------------------------------------- tokens


@bilingual(
    "/min-side/admin/nokler",
    "/en/my-page/admin/tokens",
    methods=("GET", "POST"),
    no_twin_because=NO_TWIN,
)
@login_required
def tokens() -> Response:
    actor = require_admin(Permission.TOKEN_MANAGE)
    db = get_session()
    form, status, new = AdminTokenForm(), 200, None
    if request.method == "POST":
        if not actor.is_portal_admin:
            raise Forbidden("").said("admin.forbidden")
        if form.validate():
            new = accounts.create_token(db, actor, producer=None, name=form.name.data, now=now())
            db.commit()
            status, form = 201, AdminTokenForm(formdata=None)
        else:
            status = 400
    producer = request.args.get("produsent") or None
    active = {"1": True, "0": False}.get(request.args.get("aktiv", ""))
    return render_page(
        "admin/tokens.html",
        status=status,
        form=form,
        new_token=new,
        tokens=users_admin.list_all_tokens(db, actor, producer=producer, active=active),
        producers=_producer_choices(actor),
        chosen=producer or "",
        active=request.args.get("aktiv", ""),
        button_form=ButtonForm(),
        can_create=actor.is_portal_admin,
    )


@bilingual(
    "/min-side/admin/nokler/<int:token_id>/trekk-tilbake",
    "/en/my-page/admin/tokens/<int:token_id>/revoke",
    methods=("POST",),
    no_twin_because=NO_TWIN,
)
@login_required
def admin_revoke_token(token_id: int) -> Response:
    actor = require_admin(Permission.TOKEN_MANAGE)
    if ButtonForm().validate_on_submit():
        db = get_session()
        accounts.revoke_token(db, actor, token_id, now())
        db.commit()
    return see_other("web.tokens")


# ---------------------------------------------------------------------------------------- audit log


def _day(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.combine(date.fromisoformat(raw[:10]), time(), OSLO)
    except ValueError:
        return None


@bilingual("/min-side/admin/logg", "/en/my-page/admin/audit-log", no_twin_because=NO_TWIN)
@login_required
def audit_log() -> Response:
    actor = require_admin(Permission.AUDIT_READ)
    db = get_session()
    producer_slug = request.args.get("produsent") or ""
    producer_id = None
    if producer_slug:
        found = next(
            (p for p in programme_admin.list_all_producers(db) if p.slug == producer_slug), None
        )
        producer_id = found.id if found else -1
    until = _day(request.args.get("til"))
    before_raw = request.args.get("foer", "")
    query = audit.AuditQuery(
        actor=(request.args.get("hvem") or "")[:200] or None,
        producer_id=producer_id,
        entity=(request.args.get("type") or "")[:40] or None,
        since=_day(request.args.get("fra")),
        until=until + timedelta(days=1) if until else None,
        before_id=int(before_raw) if before_raw.isdigit() and len(before_raw) < 12 else None,
    )
    scope = None if actor.is_portal_admin else frozenset({actor.producer_id or -1})
    entries = audit.list_entries(db, producer_ids=scope, limit=100, query=query)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in {"foer", "lang"}}
    older = url_for("web.audit_log", foer=entries[-1].id, **args) if len(entries) == 100 else None
    return render_page(
        "admin/audit.html",
        entries=audit_words.describe(db, entries),
        kinds=[(k, audit_words.kind_label(k)) for k in audit.entity_kinds(db)],
        producers=_producer_choices(actor),
        args=request.args,
        older=older,
    )


# ------------------------------------------------------------------------------ alerts' delivery log


@bilingual("/min-side/admin/varsler", "/en/my-page/admin/alerts", no_twin_because=NO_TWIN)
@login_required
def alerts_log() -> Response:
    """The e-mails of the alerts (issue 22), newest first, with counts by status; portal administrators
    only, as the log spans every producer. It holds a hash of each address, never the address."""
    from portal.notify.deliveries import STATUSES, delivery_log

    require_admin()
    return render_page(
        "admin/alerts.html",
        log=delivery_log(get_session(), request.args.get("status")),
        statuses=STATUSES,
    )


# ------------------------------------------------------------------------------ one-time link pages


@bilingual(
    "/passord/<secret>",
    "/en/password/<secret>",
    methods=("GET", "POST"),
    no_twin_because="a one-time form to set a password",
)
def set_password(secret: str) -> Response:
    db = get_session()
    link = users_admin.open_link(db, secret, now())
    if link is None:
        return render_page("accounts/set_password.html", status=404, form=None, person=None)
    form, status = PasswordForm(), 200
    if request.method == "POST":
        if form.validate():
            users_admin.use_link(db, secret, form.password.data, now())
            db.commit()
            return see_other("web.login", done="1")
        status = 400
    return render_page(
        "accounts/set_password.html", status=status, form=form, person=link.user, link=link
    )


def current_admin_links() -> list[tuple[str, str]]:
    """The administration pages the logged-in user may open (for the dashboard)."""
    actor, user = current_actor(), current_user()
    if actor is None or user is None:
        return []
    links = []
    if actor.is_portal_admin:
        links += [
            (translate("admin.producers"), url_for("web.producers")),
            (translate("admin.subject_areas"), url_for("web.subject_areas")),
            (translate("admin.statistics"), url_for("web.statistics_admin_list")),
            (translate("synonyms.title"), url_for("web.synonyms_admin")),
            (translate("admin.alerts"), url_for("web.alerts_log")),
        ]
    if actor.is_portal_admin or actor.can(Permission.USER_MANAGE):
        links.append((translate("admin.users"), url_for("web.users")))
    if actor.is_portal_admin or actor.can(Permission.TOKEN_MANAGE):
        links.append((translate("admin.tokens"), url_for("web.tokens")))
    if actor.is_portal_admin or actor.can(Permission.AUDIT_READ):
        links.append((translate("admin.audit"), url_for("web.audit_log")))
    return links
